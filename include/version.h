/*
 * version.h: what `impwatch -V` prints: the version of impwatch, of the
 * libraries it runs with, and the SHA-256 of its built-in catalogue, so a
 * report can be tied to exactly what produced it.
 */
#ifndef IMPWATCH_VERSION_H
#define IMPWATCH_VERSION_H

#include <stdio.h>

/* Write the version lines to o; the first is "impwatch X.Y.Z". Returns 0,
   or -1 when the catalogue could not be hashed (its line says so). */
int version_print(FILE *o);

#endif
