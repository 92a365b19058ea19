/* atlas-data-error.c — errors in the plan, the gazetteer and the aliases, and checks shared by their readers */

#include "atlas-data-error.h"

#include <string.h>

G_DEFINE_QUARK (atlas-data-error-quark, atlas_data_error)

/**
 * atlas_check_text:
 * @name: the file's name, for the message
 *
 * Checks that a table or text file is UTF-8 without NUL bytes (which
 * would silently end it early), naming the line of the first problem.
 */
gboolean
atlas_check_text (const char  *data,
                  gsize        size,
                  const char  *name,
                  GQuark       domain,
                  int          code,
                  GError     **error)
{
  const char *nul = memchr (data, '\0', size);
  const char *end = NULL;
  const char *bad;
  guint line = 1;

  if (nul == NULL && g_utf8_validate_len (data, size, &end))
    return TRUE;
  bad = nul != NULL ? nul : end;
  if (nul == NULL && end != NULL && end > data && memchr (data, '\0', end - data) != NULL)
    bad = memchr (data, '\0', end - data);
  for (const char *p = data; p < bad; p++)
    line += *p == '\n';
  g_set_error (error, domain, code, bad == nul ? "%s: line %u holds a NUL byte"
                                               : "%s: line %u is not valid UTF-8", name, line);
  return FALSE;
}

/**
 * atlas_check_json_depth:
 *
 * Refuses JSON nested deeper than %ATLAS_JSON_MAX_DEPTH, which json-glib
 * would recurse into until the stack overflows.
 */
gboolean
atlas_check_json_depth (const char  *data,
                        gsize        size,
                        const char  *name,
                        GQuark       domain,
                        int          code,
                        GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > ATLAS_JSON_MAX_DEPTH)
        {
          g_set_error (error, domain, code, "%s: nested more than %d deep", name, ATLAS_JSON_MAX_DEPTH);
          return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * atlas_check_rows:
 *
 * Refuses a table of more than %ATLAS_MAX_TABLE_ROWS lines, counted
 * before the table is split.
 */
gboolean
atlas_check_rows (const char  *data,
                  gsize        size,
                  const char  *name,
                  GQuark       domain,
                  int          code,
                  GError     **error)
{
  guint lines = 1;

  for (const char *p = data, *end = data + size; (p = memchr (p, '\n', end - p)) != NULL; p++)
    if (++lines > ATLAS_MAX_TABLE_ROWS)
      {
        g_set_error (error, domain, code, "%s: more than %u lines", name, ATLAS_MAX_TABLE_ROWS);
        return FALSE;
      }
  return TRUE;
}
