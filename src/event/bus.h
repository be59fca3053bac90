/*
 * The event bus connects the instrumented runtime to the event log.  Each
 * publishing thread writes into its own ring (ring.h); a drainer thread
 * moves events from the rings into the log in batches, in timestamp order,
 * giving them their gapless sequence numbers.  A NULL bus is valid
 * everywhere and publishes nothing: that is "events off".
 */
#ifndef CV_BUS_H
#define CV_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "log.h"

typedef struct cv_bus cv_bus;

/* Events each thread's ring holds before its producer must wait (a power
 * of two).  A ring starts at CV_RING_SMALL events and grows to this size
 * the first time it fills (ring.h): 2 MiB, one huge page, for a busy
 * thread.  The drainer is kicked when a ring is half full, 16 384 events
 * (5 ms of a submitter at full speed); a producer that still finds its
 * ring full waits, and says so in a STALL event.  A bigger ring stalled
 * less often, but a million futures wrote their events into fresh memory
 * instead of memory used again, and fresh memory was the costlier. */
#define CV_BUS_DEFAULT_RING (1u << 15)

/* Creates a bus that drains into `log` (appending the header event, seq 0,
 * if the log is empty) and starts its drainer thread.  ring_capacity 0
 * means CV_BUS_DEFAULT_RING; other values are rounded up to a power of 2. */
cv_bus *cv_bus_create(cv_log *log, size_t ring_capacity);
/* Stops the drainer and drains what is left.  Every publishing thread must
 * have finished publishing.  The log stays open and owned by the caller. */
void cv_bus_destroy(cv_bus *bus);
/* Drains every ring into the log now (any thread). */
void cv_bus_flush(cv_bus *bus);

/* Binds the calling thread to `lane` for events it publishes on this bus. */
void cv_bus_attach(cv_bus *bus, int lane);
/* The calling thread's lane on this bus (CV_NO_LANE if never attached). */
int cv_bus_lane(const cv_bus *bus);
/* A fresh lane number for a new thread (1, 2, ...; 0 is main). */
int cv_bus_new_lane(cv_bus *bus);
/* A fresh id for a future or task (1, 2, ...). */
uint64_t cv_bus_new_id(cv_bus *bus);
/* Nanoseconds since the run started (CLOCK_MONOTONIC). */
int64_t cv_bus_now_ns(const cv_bus *bus);

/* Publishes a copy of *ev, stamped now and with the calling thread's lane
 * as its origin, in the calling thread's ring; ev->text goes with it (it
 * is freed if the event cannot be kept).  When the ring is full it waits
 * for the drainer and publishes a STALL event (how long it waited) before
 * *ev; in lossy mode it drops *ev instead, counted in a later DROP event.
 * Must not be called by a thread the drainer waits for (the log's waker). */
void cv_publish(cv_bus *bus, const cv_event *ev);

/* Lossy mode: a full ring drops and counts instead of making its producer
 * wait (a worker never waits for the log).  Off by default.  Set it before
 * threads publish. */
void cv_bus_set_lossy(cv_bus *bus, bool lossy);

/* Shorthands for the common events; text arguments are copied. */
void cv_publish_future(cv_bus *bus, uint64_t id, int state, int lane,
                       const char *text, uint64_t ref, int32_t code);
void cv_publish_thread(cv_bus *bus, int lane, int state, const char *name);
/* A thread's STARTED event, saying what it is for (enum cv_thread_role). */
void cv_publish_thread_started(cv_bus *bus, int lane, int role, const char *name);
void cv_publish_wait(cv_bus *bus, int state, uint64_t future_id, const char *what);
/* side: enum cv_side, CV_SIDE_NONE for a one-sided scenario. */
void cv_publish_log(cv_bus *bus, int side, const char *line);
/* The calling thread's lane is at line `line` of listing `listing`
 * (CV_EV_LINE); task: the loop task running it, 0 for none. */
void cv_publish_line(cv_bus *bus, int listing, int line, uint64_t task);

#endif
