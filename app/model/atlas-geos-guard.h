/* atlas-geos-guard.h — a time limit on the GEOS work of the calling thread
 *
 * GEOS checks for interruption inside its long operations (overlay,
 * noding, validity repair); between atlas_geos_guard_begin() and
 * atlas_geos_guard_end() those checks interrupt this thread's work once
 * its time is up, and the GEOS call returns NULL. Work on other threads
 * is left alone.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One feature's geometry: the slowest shipped one (a union of 40 counties) takes about 0.3 s. */
#define ATLAS_GEOS_GUARD_SECONDS 15.0

void     atlas_geos_guard_begin     (double seconds);
gboolean atlas_geos_guard_end       (void);

G_END_DECLS
