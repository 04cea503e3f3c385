/* What "hardrun policy check" finds in a policy that parses: hook
 * entries that let a program that can do anything (a shell, an
 * interpreter, an engine) run with any argv or environment are errors;
 * rules through which an annotation the pod's author (or another caller)
 * writes can lower the profile below the default are warnings. */
#ifndef HARDRUN_POLICYLINT_H
#define HARDRUN_POLICYLINT_H

#include "error.h"
#include "policyfile.h"

/* Fails on the first such hook entry; appends the warnings, one sentence
 * each, to RET_WARNINGS (release with hr_strlist_release). */
int hr_policy_lint (const struct hr_policy *p, struct hr_strlist *ret_warnings, struct hr_error *err);

#endif
