#!/usr/bin/env python3
"""A flag server we did not write, for the flags benchmark: CPython's
http.server (ThreadingHTTPServer, SimpleHTTPRequestHandler) speaking
HTTP/1.1 with keep-alive, waiting DELAY seconds before each answer as the
book's slow_server.py does.  Like every http.server it writes the headers
and the body in separate sends, which is what makes a client's delayed ACK
cost 40 ms per reused connection.

It serves ROOT, which must hold flags/<cc>/<cc>.gif (the benchmark fills it
from `concviz serve-flags` first).  It listens on a free loopback port and
prints "port=N" once it accepts.

usage: bench_flags_pyserver.py ROOT DELAY
"""
import functools
import http.server
import sys
import time


class SlowHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        super().do_GET()

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # listen()'s backlog, read when the server starts: the default 5 would
    # drop the SYNs of a hundred clients connecting at once.
    request_queue_size = 1024
    daemon_threads = True


def main() -> None:
    root, delay = sys.argv[1], float(sys.argv[2])
    SlowHandler.delay = delay
    handler = functools.partial(SlowHandler, directory=root)
    server = Server(('127.0.0.1', 0), handler)
    print(f'port={server.server_address[1]}', flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
