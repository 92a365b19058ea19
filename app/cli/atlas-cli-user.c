/* atlas-cli-user.c — the command line's users' files: --locate, --open with --export */

#include "config.h"

#include "atlas-cli-user.h"

#include <glib/gi18n.h>

#include "model/atlas-locate.h"

/* The options of --locate, checked before any work. */
gboolean
atlas_cli_locate_options (const char  *crs_text,
                          const char  *format,
                          AtlasCrs    *crs,
                          GError     **error)
{
  *crs = (AtlasCrs) { ATLAS_CRS_AUTO, 0 };
  if (crs_text != NULL && !atlas_crs_parse (crs_text, crs, error))
    return FALSE;
  if (format != NULL && !g_str_equal (format, "csv") && !g_str_equal (format, "json")
      && !g_str_equal (format, "text"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("--format with --locate wants text, json or csv; got “%s”"), format);
      return FALSE;
    }
  return TRUE;
}

/* --locate: prints where each feature of the file falls in the plan. */
gboolean
atlas_cli_locate (AtlasData   *data,
                  const char  *path,
                  AtlasCrs    *crs,
                  const char  *format,
                  gboolean     json,
                  GError     **error)
{
  g_autoptr(AtlasUserData) user = atlas_user_data_load (path, crs, NULL, NULL, NULL, error);
  g_autoptr(AtlasLocator) locator = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *text = NULL;

  if (user == NULL)
    return FALSE;
  locator = atlas_locator_new (data, ATLAS_LOCATE_DISTANCE_KM);
  entries = atlas_locator_locate_all (locator, user);
  if (format != NULL && g_str_equal (format, "csv"))
    text = atlas_locate_report_csv (entries);
  else if (json || (format != NULL && g_str_equal (format, "json")))
    text = atlas_locate_report_json (entries, ATLAS_LOCATE_DISTANCE_KM);
  else
    text = atlas_locate_report_text (entries, ATLAS_LOCATE_DISTANCE_KM);
  g_print ("%s%s", text, json ? "\n" : "");
  return TRUE;
}

/* --open with --export: the files' layers, each in its own colour. */
AtlasUserRenderer *
atlas_cli_open_files (char      **paths,
                      const char *crs_text,
                      GError    **error)
{
  g_autoptr(GArray) styles = g_array_new (FALSE, FALSE, sizeof (AtlasUserLayerStyle));
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) atlas_user_data_free);
  AtlasCrs crs = { ATLAS_CRS_AUTO, 0 };

  if (crs_text != NULL && !atlas_crs_parse (crs_text, &crs, error))
    return NULL;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      AtlasUserData *ud = atlas_user_data_load (paths[i], &crs, NULL, NULL, NULL, error);

      if (ud == NULL)
        return NULL;
      g_ptr_array_add (files, ud);
      for (guint l = 0; l < ud->layers->len; l++)
        {
          AtlasUserLayerStyle s = { ud, l, TRUE, 1.0, { 0 }, -1 };
          AtlasUserLayer *layer = g_ptr_array_index (ud->layers, l);

          atlas_user_color_for_index (styles->len, &s.colour);
          s.label_field = layer->features->len <= 500 ? layer->name_field : -1;
          g_array_append_val (styles, s);
        }
    }
  return atlas_user_renderer_new ((AtlasUserLayerStyle *) styles->data, styles->len);
}
