/* The scenarios, in the order `concviz list` shows them. */
#include <string.h>

#include "scenarios.h"

const cv_scenario *const cv_scenarios[] = {
    &cv_scenario_loiter,
    &cv_scenario_flags,
    &cv_scenario_spinner,
    &cv_scenario_primes,
    &cv_scenario_stress,
    NULL,
};

const cv_scenario *cv_scenario_find(const char *name)
{
    for (size_t i = 0; cv_scenarios[i] != NULL; i++)
        if (strcmp(cv_scenarios[i]->name, name) == 0)
            return cv_scenarios[i];
    return NULL;
}
