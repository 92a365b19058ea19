/* atlas-geos-guard.c — a time limit on the GEOS work of the calling thread */

#include "atlas-geos-guard.h"

#include <geos_c.h>

/* GEOS 3.11 has one interrupt flag for the process: a thread that is out
 * of time raises it at each check, and every other thread lowers it at its
 * own checks, so that only the thread out of time is interrupted. */
static _Thread_local gint64 deadline;   /* monotonic µs; 0: no limit */
static _Thread_local gboolean fired;

static void
interrupt_cb (void)
{
  if (deadline != 0 && g_get_monotonic_time () > deadline)
    {
      fired = TRUE;
      GEOS_interruptRequest ();
    }
  else
    GEOS_interruptCancel ();
}

static gpointer
register_cb (gpointer data)
{
  GEOS_interruptRegisterCallback (interrupt_cb);
  return NULL;
}

/**
 * atlas_geos_guard_begin:
 * @seconds: how long this thread's GEOS work may take from now
 */
void
atlas_geos_guard_begin (double seconds)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_cb, NULL);
  fired = FALSE;
  deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
}

/**
 * atlas_geos_guard_end:
 *
 * Returns: whether the time ran out (and GEOS work was interrupted)
 */
gboolean
atlas_geos_guard_end (void)
{
  gboolean was_fired = fired;

  deadline = 0;
  fired = FALSE;
  return was_fired;
}
