/* main.c — command line of Capital Atlas */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>

#include "model/atlas-data.h"
#include "model/atlas-layer-state.h"
#include "model/atlas-overlays-json.h"
#include "model/atlas-plan-index.h"
#include "model/atlas-views.h"
#include "widgets/atlas-application.h"
#include "atlas-resources.h"

static void
setup_i18n (void)
{
  const char *localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  /* Running from the build tree: use the catalogues built there. */
  if (!g_file_test (LOCALEDIR "/zh_CN/LC_MESSAGES/" GETTEXT_PACKAGE ".mo", G_FILE_TEST_EXISTS)
      && g_file_test (ATLAS_BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR))
    localedir = ATLAS_BUILD_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("capital-atlas: %s\n", message);
  return 2;
}

static gboolean
parse_center (const char *text,
              double     *lat,
              double     *lon)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end;

  if (g_strv_length (parts) != 2)
    return FALSE;
  *lat = g_ascii_strtod (g_strstrip (parts[0]), &end);
  if (*end != '\0' || end == parts[0] || !isfinite (*lat))
    return FALSE;
  *lon = g_ascii_strtod (g_strstrip (parts[1]), &end);
  if (*end != '\0' || end == parts[1] || !isfinite (*lon))
    return FALSE;
  return TRUE;
}

/* Loads the data for a command-line command; a problem is fatal here. */
static AtlasData *
load_data_or_fail (void)
{
  const char *dir = g_getenv ("ATLAS_MAPS_DIR");
  g_autoptr(GFile) file = dir != NULL && *dir != '\0' ? g_file_new_for_path (dir) : NULL;
  g_autoptr(AtlasData) data = atlas_data_load (file, TRUE);

  if (data->problems->len > 0)
    {
      for (guint i = 0; i < data->problems->len; i++)
        g_printerr ("capital-atlas: %s\n", (char *) g_ptr_array_index (data->problems, i));
      return NULL;
    }
  return g_steal_pointer (&data);
}

static int
list_layers (gboolean json)
{
  g_autoptr(AtlasData) data = load_data_or_fail ();
  g_autofree char *text = NULL;

  if (data == NULL)
    return 1;
  text = json ? atlas_overlays_to_json_listing (data->overlays)
              : atlas_overlays_to_text_listing (data->overlays);
  g_print ("%s%s", text, json ? "\n" : "");
  return 0;
}

static AtlasPlanIndex *
load_index (AtlasData *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) aliases = g_resources_lookup_data (ATLAS_RESOURCE_MAPS "/plan/aliases.json", 0, NULL);
  AtlasPlanIndex *index = atlas_plan_index_new (data, aliases, &error);

  if (index == NULL)
    g_printerr ("capital-atlas: %s\n", error->message);
  return index;
}

static int
info (const char *name,
      gboolean    json)
{
  g_autoptr(AtlasData) data = load_data_or_fail ();
  g_autoptr(AtlasPlanIndex) index = NULL;
  AtlasEntity *entity;
  g_autofree char *text = NULL;

  if (data == NULL || (index = load_index (data)) == NULL)
    return 1;
  entity = atlas_plan_index_lookup (index, name);
  if (entity == NULL)
    return fail (_("no place, county or feature is called “%s” (try --search)"), name);

  text = atlas_entity_to_json (index, entity);
  if (json)
    g_print ("%s\n", text);
  else
    {
      g_autoptr(GPtrArray) members = atlas_plan_index_memberships (index, entity);

      g_print ("%s %s (%s, %s)\n", entity->name_zh, entity->name_en,
               atlas_entity_kind_to_string (entity->kind), entity->context);
      for (guint i = 0; i < members->len; i++)
        g_print ("  ∈ %s\n", ((AtlasEntity *) members->pdata[i])->name_zh);
      for (guint i = 0; i < entity->mentions->len; i++)
        {
          AtlasMention *m = g_ptr_array_index (entity->mentions, i);
          g_print ("  %s %s%s\n", m->role ? "★" : "·", m->paragraph->id, m->via_alias ? " (alias)" : "");
        }
    }
  return 0;
}

static int
search (const char *query,
        gboolean    json)
{
  g_autoptr(AtlasData) data = load_data_or_fail ();
  g_autoptr(AtlasPlanIndex) index = NULL;
  g_autoptr(GArray) results = NULL;

  if (data == NULL || (index = load_index (data)) == NULL)
    return 1;
  results = atlas_plan_index_search (index, query, 50);
  if (json)
    {
      g_autofree char *text = atlas_search_results_to_json (results);
      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < results->len; i++)
    {
      AtlasSearchResult *r = &g_array_index (results, AtlasSearchResult, i);

      if (r->entity != NULL)
        g_print ("%-8s %s %s\n", atlas_entity_kind_to_string (r->entity->kind), r->entity->name_zh,
                 r->entity->name_en);
      else
        g_print ("passage  %s\n", r->passage.paragraph->id);
    }
  return 0;
}

static int
export_geojson (const char *path,
                const char *layers)
{
  g_autoptr(AtlasData) data = load_data_or_fail ();
  g_autoptr(AtlasLayerState) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (data == NULL)
    return 1;
  state = atlas_layer_state_new (data->overlays);
  if (!atlas_layer_state_set_visible_ids (state, layers != NULL ? layers : "all", &error))
    return fail ("--layers: %s", error->message);

  text = atlas_overlays_to_geojson (data->overlays, atlas_layer_state_get_visible_array (state));
  if (!atlas_write_file_atomically (path, text, &error))
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  gboolean version = FALSE;
  gboolean list = FALSE;
  gboolean json = FALSE;
  g_autofree char *geojson_path = NULL;
  g_autofree char *layers = NULL;
  g_autofree char *info_name = NULL;
  g_autofree char *search_text = NULL;
  g_autofree char *view_id = NULL;
  g_autofree char *center = NULL;
  g_autofree char *zoom_text = NULL;
  g_autofree char *view_ids = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasApplication) app = NULL;
  AtlasStartView start = { NAN, NAN, NAN };
  char *app_argv[] = { argv[0], NULL };
  GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view_id, N_("Open on a preset view"), N_("NAME") },
    { "center", 0, 0, G_OPTION_ARG_STRING, &center, N_("Centre the map on a point"), N_("LAT,LON") },
    { "zoom", 0, 0, G_OPTION_ARG_STRING, &zoom_text, N_("Zoom level, 5 to 14"), N_("Z") },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &layers,
      N_("Show (or export) these layers or groups, comma-separated, or “all”"), N_("ID,…") },
    { "list-layers", 0, 0, G_OPTION_ARG_NONE, &list, N_("List the plan’s groups, layers and features"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (with --list-layers, --info or --search)"), NULL },
    { "info", 0, 0, G_OPTION_ARG_STRING, &info_name,
      N_("Print what the plan says about a place, county or feature"), N_("NAME_OR_ID") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search_text,
      N_("Search places, counties, features and the plan’s text"), N_("TEXT") },
    { "export-geojson", 0, 0, G_OPTION_ARG_FILENAME, &geojson_path,
      N_("Write the shown (or --layers) layers as GeoJSON"), N_("FILE") },
    { NULL }
  };

  setup_i18n ();

  view_ids = atlas_views_list_ids ();
  description = g_strdup_printf (_("Preset views: %s."), view_ids);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Capital Atlas — maps of the Spatial Coordination Plan for the "
                                  "Modern Capital Metropolitan Area (2023–2035)."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("%s", error->message);
  if (argc > 1)
    return fail (_("unexpected argument “%s” (see --help)"), argv[1]);

  if (version)
    {
      g_print ("capital-atlas %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (json && !list && info_name == NULL && search_text == NULL)
    return fail (_("--json goes with --list-layers, --info or --search"));

  if (list || geojson_path != NULL || info_name != NULL || search_text != NULL)
    {
      atlas_register_resource ();
      if (list)
        return list_layers (json);
      if (info_name != NULL)
        return info (info_name, json);
      if (search_text != NULL)
        return search (search_text, json);
      return export_geojson (geojson_path, layers);
    }

  if (view_id != NULL)
    {
      const AtlasView *view = atlas_views_lookup (view_id);

      if (view == NULL)
        return fail (_("unknown view “%s”; the views are: %s"), view_id, view_ids);
      start.longitude = view->longitude;
      start.latitude = view->latitude;
      start.zoom = view->zoom;
    }

  if (center != NULL)
    {
      if (!parse_center (center, &start.latitude, &start.longitude))
        return fail (_("--center wants LAT,LON in degrees, e.g. 39.9,116.4; got “%s”"), center);
      if (start.latitude < ATLAS_REGION_SOUTH || start.latitude > ATLAS_REGION_NORTH
          || start.longitude < ATLAS_REGION_WEST || start.longitude > ATLAS_REGION_EAST)
        return fail (_("--center %s lies outside the map’s region (latitude %.1f to %.1f, "
                       "longitude %.1f to %.1f)"), center, ATLAS_REGION_SOUTH, ATLAS_REGION_NORTH,
                     ATLAS_REGION_WEST, ATLAS_REGION_EAST);
    }

  if (zoom_text != NULL)
    {
      char *end;

      start.zoom = g_ascii_strtod (zoom_text, &end);
      if (*end != '\0' || end == zoom_text || !isfinite (start.zoom)
          || start.zoom < ATLAS_MIN_ZOOM || start.zoom > ATLAS_MAX_ZOOM)
        return fail (_("--zoom wants a number from %d to %d; got “%s”"), ATLAS_MIN_ZOOM,
                     ATLAS_MAX_ZOOM, zoom_text);
    }

  atlas_register_resource ();
  app = atlas_application_new (&start, layers);
  return g_application_run (G_APPLICATION (app), 1, app_argv);
}
