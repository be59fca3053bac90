/* The registry of scenarios: `concviz list` prints it in this order. */
#ifndef CV_SCENARIOS_H
#define CV_SCENARIOS_H

#include "run.h"

/* NULL-terminated. */
extern const cv_scenario *const cv_scenarios[];
const cv_scenario *cv_scenario_find(const char *name);

extern const cv_scenario cv_scenario_loiter;
extern const cv_scenario cv_scenario_flags;
extern const cv_scenario cv_scenario_spinner;
extern const cv_scenario cv_scenario_primes;
extern const cv_scenario cv_scenario_stress;

#endif
