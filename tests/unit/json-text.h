/* JSON as the unit tests' tables write it: with ' for ", so that a case
 * reads as one C string. A text that does not parse ends the test program
 * ("Bail out!"): it is the table that is wrong. */
#ifndef HARDRUN_TEST_JSON_TEXT_H
#define HARDRUN_TEST_JSON_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* TEXT with ' turned into ", parsed; WHAT names it in messages. Owned. */
static inline struct hr_json *
hr_test_json (const char *what, const char *text)
{
  char *s = strdup (text);
  struct hr_json *v = NULL;
  struct hr_error err = { 0 };
  if (s == NULL)
    {
      printf ("Bail out! out of memory\n");
      exit (1);
    }
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  int r = hr_json_parse (s, strlen (s), what, &v, &err);
  free (s);
  if (r < 0)
    {
      printf ("Bail out! %s: %s: %s\n", what, text, err.msg);
      exit (1);
    }
  return v;
}

#endif
