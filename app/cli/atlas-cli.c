/* atlas-cli.c — the command line of Capital Atlas: options, the commands that
 * print or export without a window, and the window's start */

#include "config.h"

#include "atlas-cli.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export/atlas-export.h"
#include "model/atlas-data.h"
#include "model/atlas-here.h"
#include "model/atlas-layer-state.h"
#include "model/atlas-overlays-json.h"
#include "model/atlas-plan-index.h"
#include "model/atlas-safe-file.h"
#include "model/atlas-views.h"
#include "render/atlas-raster-painter.h"
#include "widgets/atlas-application.h"
#include "atlas-cli-user.h"
#include "atlas-resources.h"

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

/* What a step returns when the command line goes on to the next one */
enum { GO_ON = -1 };

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

/* ATLAS_MAPS_DIR, or NULL for the embedded data */
static GFile *
maps_dir_from_env (void)
{
  const char *dir = g_getenv ("ATLAS_MAPS_DIR");

  return dir != NULL && *dir != '\0' ? g_file_new_for_path (dir) : NULL;
}

/* Loads the data for a command-line command; a problem is fatal here. */
static AtlasData *
load_data_or_fail (void)
{
  g_autoptr(GFile) file = maps_dir_from_env ();
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
  g_autoptr(GFile) dir = maps_dir_from_env ();
  g_autoptr(GBytes) aliases = atlas_data_load_aliases (dir, &error);
  AtlasPlanIndex *index = aliases != NULL ? atlas_plan_index_new (data, aliases, &error) : NULL;

  if (index == NULL)
    g_printerr ("capital-atlas: %s\n", error->message);
  return index;
}

static void
print_membership (const char      *sign,
                  AtlasMembership *m)
{
  if (m->share < 0.995)
    g_print ("  %s %s (%.0f %%)%s\n", sign, m->entity->name_zh, m->share * 100, m->partial ? " ~" : "");
  else
    g_print ("  %s %s%s\n", sign, m->entity->name_zh, m->partial ? " ~" : "");
}

static void
print_mention (AtlasPlanIndex *index,
               AtlasMention   *m)
{
  g_autoptr(GPtrArray) notes = atlas_plan_index_notes (index, m->paragraph);

  g_print ("  %s %s%s%s%s\n", m->role ? "★" : "·", m->paragraph->id, m->via_alias ? " (alias)" : "",
           m->about != NULL ? " → " : "", m->about != NULL ? m->about->name_zh : "");
  for (guint i = 0; i < notes->len; i++)
    g_print ("      %s\n", ((AtlasPlanNote *) notes->pdata[i])->note_zh);
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
      g_autoptr(GArray) members = NULL;
      g_autoptr(GArray) inside = NULL;
      g_autoptr(GPtrArray) inside_mentions = NULL;

      atlas_plan_index_relations (index, entity, &members, &inside);
      inside_mentions = atlas_plan_index_inside_mentions (index, entity, inside);

      g_print ("%s %s (%s, %s)\n", entity->name_zh, entity->name_en,
               atlas_entity_kind_to_string (entity->kind), entity->context);
      for (guint i = 0; i < members->len; i++)
        print_membership ("∈", &g_array_index (members, AtlasMembership, i));
      for (guint i = 0; entity->counties != NULL && i < entity->counties->len; i++)
        g_print ("  ⊃ %s\n", atlas_plan_index_get_county (index, g_array_index (entity->counties, guint32, i))->name_zh);
      for (guint i = 0; i < entity->mentions->len; i++)
        print_mention (index, g_ptr_array_index (entity->mentions, i));
      if (inside->len > 0)
        g_print (_("  Inside %s:\n"), entity->name_zh);
      for (guint i = 0; i < inside->len; i++)
        print_membership ("∋", &g_array_index (inside, AtlasMembership, i));
      for (guint i = 0; i < inside_mentions->len; i++)
        print_mention (index, g_ptr_array_index (inside_mentions, i));
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

/* --at: the county and every feature of every layer at a point, as a click
 * at zoom 10 would find them (lines and points within 4 pixels). */
static int
what_is_here (const char *at,
              gboolean    json)
{
  g_autoptr(AtlasData) data = NULL;
  g_autoptr(AtlasPlanIndex) index = NULL;
  g_autoptr(GPtrArray) here = NULL;
  g_autofree char *text = NULL;
  double lat, lon;

  if (!parse_center (at, &lat, &lon))
    return fail (_("--at wants LAT,LON in degrees, e.g. 39.76,117.00; got “%s”"), at);
  if (lat < ATLAS_REGION_SOUTH || lat > ATLAS_REGION_NORTH || lon < ATLAS_REGION_WEST
      || lon > ATLAS_REGION_EAST)
    return fail (_("--at %s lies outside the map’s region (latitude %.1f to %.1f, "
                   "longitude %.1f to %.1f)"), at, ATLAS_REGION_SOUTH, ATLAS_REGION_NORTH,
                 ATLAS_REGION_WEST, ATLAS_REGION_EAST);
  data = load_data_or_fail ();
  if (data == NULL || (index = load_index (data)) == NULL)
    return 1;
  here = atlas_here_list (index, data, NULL, lon, lat, 10, 4);
  text = json ? atlas_here_to_json (here, lon, lat) : atlas_here_to_text (here, lon, lat);
  g_print ("%s%s", text, json ? "\n" : "");
  return 0;
}

/* --locate: where each feature of a user's file falls in the plan. */
static int
locate (const char *path,
        const char *crs_text,
        const char *format,
        gboolean    json)
{
  g_autoptr(AtlasData) data = NULL;
  g_autoptr(GError) error = NULL;
  AtlasCrs crs;

  if (!atlas_cli_locate_options (crs_text, format, &crs, &error))
    return fail ("%s", error->message);
  if ((data = load_data_or_fail ()) == NULL)
    return 1;
  if (!atlas_cli_locate (data, path, &crs, format, json, &error))
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  return 0;
}

typedef struct
{
  char    *path;
  char    *format;
  char    *paper;
  char    *orientation;
  char    *dpi;
  char    *bbox;
  char    *title;
  char    *subtitle;
  char    *book;
  char    *excerpt;
  guint    figure;    /* 0: none */
  char   **open;
  char    *crs;
  char    *basemap;
  char    *attribution;
} ExportOptions;

static void
export_options_clear (ExportOptions *o)
{
  g_free (o->path);
  g_free (o->format);
  g_free (o->paper);
  g_free (o->orientation);
  g_free (o->dpi);
  g_free (o->bbox);
  g_free (o->title);
  g_free (o->subtitle);
  g_free (o->book);
  g_free (o->excerpt);
  g_strfreev (o->open);
  g_free (o->basemap);
  g_free (o->attribution);
}

/* "--book=''": an option that takes a value was given an empty one */
static const char *
empty_option (const GOptionEntry *entries)
{
  for (guint i = 0; entries[i].long_name != NULL; i++)
    if ((entries[i].arg == G_OPTION_ARG_STRING || entries[i].arg == G_OPTION_ARG_FILENAME)
        && *(char **) entries[i].arg_data != NULL && **(char **) entries[i].arg_data == '\0')
      return entries[i].long_name;
  return NULL;
}

static gboolean
parse_bbox (const char *text,
            AtlasRect  *r)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  double v[4];

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end;

      v[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (*end != '\0' || end == parts[i] || !isfinite (v[i]))
        return FALSE;
    }
  if (v[0] >= v[2] || v[1] >= v[3] || fabs (v[0]) > 180 || fabs (v[2]) > 180
      || fabs (v[1]) > 85 || fabs (v[3]) > 85)
    return FALSE;
  r->x0 = atlas_geo_lon_to_world_x (v[0]);
  r->x1 = atlas_geo_lon_to_world_x (v[2]);
  r->y0 = atlas_geo_lat_to_world_y (v[3]);
  r->y1 = atlas_geo_lat_to_world_y (v[1]);
  return TRUE;
}

/* The book's pages: a group's or layer's features, or named entities. */
static GPtrArray *
book_entities (AtlasData      *data,
               AtlasPlanIndex *index,
               const char     *spec,
               GError        **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  AtlasOverlayGroup *group = atlas_overlays_lookup_group (data->overlays, spec);
  AtlasOverlayLayer *layer = atlas_overlays_lookup_layer (data->overlays, spec);
  g_auto(GStrv) parts = NULL;

  if (group != NULL || layer != NULL)
    {
      GPtrArray *layers = group != NULL ? group->layers : NULL;
      guint n = group != NULL ? layers->len : 1;

      for (guint l = 0; l < n; l++)
        {
          AtlasOverlayLayer *ly = group != NULL ? g_ptr_array_index (layers, l) : layer;

          for (guint i = 0; i < ly->features->len; i++)
            g_ptr_array_add (out, atlas_plan_index_get_feature (index, ly->features->pdata[i]));
        }
      return g_steal_pointer (&out);
    }

  parts = g_strsplit (spec, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *name = g_strstrip (parts[i]);
      AtlasEntity *e = *name != '\0' ? atlas_plan_index_lookup (index, name) : NULL;

      if (e == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("--book: “%s” is no group, layer, place, county or feature"), name);
          return NULL;
        }
      g_ptr_array_add (out, e);
    }
  return g_steal_pointer (&out);
}

/* How many figures the data has (their numbers run from 1), without
 * loading the layers: enough to check --figure before opening a window. */
static guint
count_figures (void)
{
  const char *dir = g_getenv ("ATLAS_MAPS_DIR");
  g_autoptr(GFile) maps = dir != NULL && *dir != '\0' ? g_file_new_for_path (dir) : NULL;
  g_autoptr(GFile) file = maps != NULL ? g_file_get_child (maps, "figures.json") : NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AtlasFigures) figures = NULL;
  guint n = 0;

  bytes = file != NULL ? g_file_load_bytes (file, NULL, NULL, NULL)
                       : g_resources_lookup_data (ATLAS_RESOURCE_MAPS "/figures.json", 0, NULL);
  if (bytes != NULL)
    figures = atlas_figures_new_from_bytes (bytes, "figures.json", NULL, NULL, NULL);
  while (figures != NULL && atlas_figures_lookup (figures, n + 1) != NULL)
    n++;
  return n;
}

/* --figure=N or --book=figures: the plan's figures as plates. */
static int
export_plates (AtlasExportJob *job,
               ExportOptions  *o)
{
  AtlasFigures *figures = job->data->figures;
  g_autoptr(GError) error = NULL;

  if (figures == NULL)
    {
      g_printerr ("capital-atlas: %s\n", _("the plan’s figures are missing from the data"));
      return 1;
    }
  job->plates = g_ptr_array_new ();
  if (o->figure != 0)
    {
      const AtlasFigure *f = atlas_figures_lookup (figures, o->figure);

      if (f == NULL)
        return fail (_("--figure wants a number from 1 to %u; got “%u”"),
                     atlas_figures_get_n_figures (figures), o->figure);
      g_ptr_array_add (job->plates, (gpointer) f);
      g_free (job->title);
      job->title = g_strdup (f->title_zh);
    }
  else
    {
      for (guint i = 0; i < atlas_figures_get_n_figures (figures); i++)
        g_ptr_array_add (job->plates, (gpointer) atlas_figures_get_figure (figures, i));
      g_free (job->title);
      job->title = g_strdup_printf ("%s · %s", _("Figures of the plan"),
                                    job->data->plan != NULL ? atlas_plan_get_title (job->data->plan) : "");
    }

  if (!atlas_export_write (job, o->path, &error))
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* The page options of --export, checked before any work. */
static int
check_export_options (const ExportOptions *o,
                      AtlasExportFormat   *format_out,
                      double              *dpi_out,
                      AtlasRect           *bbox_out)
{
  AtlasExportFormat format;
  AtlasRect bbox;
  double dpi = 300;

  if (o->format != NULL ? !atlas_export_format_from_string (o->format, &format)
                        : !atlas_export_format_from_path (o->path, &format))
    {
      if (o->format != NULL)
        return fail (_("--format wants pdf, svg or png; got “%s”"), o->format);
      format = ATLAS_EXPORT_PDF;
    }
  if (o->paper != NULL && atlas_paper_lookup (o->paper) == NULL)
    return fail (_("--paper wants A4, A3, A2, A1, A0 or Letter; got “%s”"), o->paper);
  if (o->orientation != NULL && !g_str_equal (o->orientation, "landscape")
      && !g_str_equal (o->orientation, "portrait"))
    return fail (_("--orientation wants landscape or portrait; got “%s”"), o->orientation);
  if (o->dpi != NULL)
    {
      char *end;

      dpi = g_ascii_strtod (o->dpi, &end);
      if (*end != '\0' || end == o->dpi || !(dpi >= 72 && dpi <= 600))
        return fail (_("--dpi wants a number from 72 to 600; got “%s”"), o->dpi);
    }
  if (o->bbox != NULL && !parse_bbox (o->bbox, &bbox))
    return fail (_("--bbox wants W,S,E,N in degrees, e.g. 115.4,39.4,117.5,41.1; got “%s”"), o->bbox);
  if (o->book != NULL && format != ATLAS_EXPORT_PDF)
    return fail (_("a briefing book (--book) is written as PDF only"));

  *format_out = format;
  *dpi_out = dpi;
  if (o->bbox != NULL)
    *bbox_out = bbox;
  return GO_ON;
}

/* The job's base map, users' files, page, titles and extent. */
static int
set_up_job (AtlasExportJob        *job,
            const ExportOptions   *o,
            const AtlasView       *view,
            const AtlasStartView  *start,
            AtlasExportFormat      format,
            double                 dpi,
            const AtlasRect       *bbox)
{
  g_autoptr(GError) error = NULL;

  if (o->basemap != NULL)
    {
      g_autoptr(AtlasBasemapRenderer) base = atlas_basemap_renderer_new (job->data->basemap);

      job->basemap = atlas_raster_painter_new (o->basemap, atlas_basemap_renderer_as_painter (base), 10, &error);
      if (job->basemap == NULL)
        return fail ("%s", error->message);
      atlas_raster_painter_set_attribution (job->basemap, o->attribution);
    }
  if (o->open != NULL && (job->user_layers = atlas_cli_open_files (o->open, o->crs, &error)) == NULL)
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  job->format = format;
  job->dpi = dpi;
  if (o->paper != NULL)
    job->paper = atlas_paper_lookup (o->paper);
  job->landscape = o->orientation == NULL || g_str_equal (o->orientation, "landscape");
  if (o->title != NULL)
    {
      g_free (job->title);
      job->title = g_strdup (o->title);
    }
  job->subtitle = g_strdup (o->subtitle);
  if (view != NULL && g_str_equal (view->id, "region"))
    atlas_region_extent (&job->extent);
  else if (view != NULL)
    atlas_export_job_set_extent_from_view (job, view->longitude, view->latitude, view->zoom, 1600, 1000);
  else if (!isnan (start->longitude))
    atlas_export_job_set_extent_from_view (job, start->longitude, start->latitude,
                                           isnan (start->zoom) ? 9 : start->zoom, 1600, 1000);
  if (o->bbox != NULL)
    job->extent = *bbox;
  return GO_ON;
}

static int
export_map (ExportOptions  *o,
            const AtlasView *view,
            AtlasStartView *start,
            const char     *layers)
{
  g_autoptr(AtlasData) data = NULL;
  g_autoptr(AtlasPlanIndex) index = NULL;
  g_autoptr(AtlasExportJob) job = NULL;
  g_autoptr(AtlasLayerState) state = NULL;
  g_autoptr(AtlasVisibility) visibility = NULL;
  g_autoptr(GError) error = NULL;
  AtlasExportFormat format = ATLAS_EXPORT_PDF;
  AtlasRect bbox = { 0 };
  double dpi = 300;
  int status;

  /* options first: a wrong one is reported before any work */
  if ((status = check_export_options (o, &format, &dpi, &bbox)) != GO_ON)
    return status;

  data = load_data_or_fail ();
  if (data == NULL || (index = load_index (data)) == NULL)
    return 1;

  job = atlas_export_job_new (data, index);
  if ((status = set_up_job (job, o, view, start, format, dpi, &bbox)) != GO_ON)
    return status;

  state = atlas_layer_state_new (data->overlays);
  if (layers != NULL && !atlas_layer_state_set_visible_ids (state, layers, &error))
    return fail ("--layers: %s", error->message);

  if (o->figure != 0 || g_strcmp0 (o->book, "figures") == 0)
    return export_plates (job, o);

  if (o->book != NULL)
    {
      job->book = book_entities (data, index, o->book, &error);
      if (job->book == NULL)
        return fail ("%s", error->message);
      if (layers == NULL)
        atlas_layer_state_set_all_visible (state, FALSE);
      if (layers == NULL)
        for (guint i = 0; i < job->book->len; i++)
          {
            AtlasEntity *e = g_ptr_array_index (job->book, i);
            if (e->kind == ATLAS_ENTITY_FEATURE)
              atlas_layer_state_set_visible (state, ((AtlasOverlayFeature *) e->ref)->layer, TRUE);
          }
    }
  if (o->excerpt != NULL && (job->excerpt = atlas_plan_index_lookup (index, o->excerpt)) == NULL)
    return fail (_("--excerpt: no place, county or feature is called “%s”"), o->excerpt);

  visibility = atlas_layer_state_snapshot (state);
  atlas_export_job_set_visibility (job, visibility);

  if (!atlas_export_write (job, o->path, &error))
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  if (job->basemap != NULL && atlas_raster_painter_get_missing (job->basemap) > 0)
    g_printerr (_("capital-atlas: %u tiles of the base map could not be had (missing, slow or broken); "
                  "the embedded map is shown there\n"), atlas_raster_painter_get_missing (job->basemap));
  return 0;
}

static int
export_geojson (const char *path,
                const char *layers)
{
  g_autoptr(AtlasData) data = load_data_or_fail ();
  g_autoptr(AtlasLayerState) state = NULL;
  g_autoptr(AtlasVisibility) visibility = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (data == NULL)
    return 1;
  state = atlas_layer_state_new (data->overlays);
  if (!atlas_layer_state_set_visible_ids (state, layers != NULL ? layers : "all", &error))
    return fail ("--layers: %s", error->message);

  visibility = atlas_layer_state_snapshot (state);
  text = atlas_overlays_to_geojson (data->overlays, visibility);
  if (!atlas_write_file_atomically (path, text, &error))
    {
      g_printerr ("capital-atlas: %s\n", error->message);
      return 1;
    }
  return 0;
}

typedef struct
{
  gboolean       version;
  gboolean       list;
  gboolean       json;
  char          *geojson_path;
  char          *layers;
  char          *info_name;
  char          *search_text;
  char          *at;
  char          *locate_path;
  char          *crs_text;
  ExportOptions  export;
  char          *view_id;
  char          *center;
  char          *zoom_text;
  char          *view_ids;
  char          *figure_text;
} CliOptions;

static void
cli_options_clear (CliOptions *o)
{
  g_free (o->geojson_path);
  g_free (o->layers);
  g_free (o->info_name);
  g_free (o->search_text);
  g_free (o->at);
  g_free (o->locate_path);
  g_free (o->crs_text);
  export_options_clear (&o->export);
  g_free (o->view_id);
  g_free (o->center);
  g_free (o->zoom_text);
  g_free (o->view_ids);
  g_free (o->figure_text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)

/* Parses the options into o; GO_ON, or the exit status of a bad command line. */
static int
parse_options (CliOptions *o,
               int        *argc,
               char     ***argv)
{
  g_autofree char *description = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, N_("Show the version and exit"), NULL },
    { "view", 0, 0, G_OPTION_ARG_STRING, &o->view_id, N_("Open on a preset view"), N_("NAME") },
    { "figure", 0, 0, G_OPTION_ARG_STRING, &o->figure_text,
      N_("Open (or export) one of the plan’s six figures"), N_("N") },
    { "center", 0, 0, G_OPTION_ARG_STRING, &o->center, N_("Centre the map on a point"), N_("LAT,LON") },
    { "zoom", 0, 0, G_OPTION_ARG_STRING, &o->zoom_text, N_("Zoom level, 5 to 14"), N_("Z") },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &o->layers,
      N_("Show (or export) these layers or groups, comma-separated, “all” or “none”"), N_("ID,…") },
    { "list-layers", 0, 0, G_OPTION_ARG_NONE, &o->list,
      N_("List the plan’s groups, layers and features"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
      N_("Print JSON (with --list-layers, --info, --search or --at)"), NULL },
    { "info", 0, 0, G_OPTION_ARG_STRING, &o->info_name,
      N_("Print what the plan says about a place, county or feature"), N_("NAME_OR_ID") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &o->search_text,
      N_("Search places, counties, features and the plan’s text"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &o->at,
      N_("Print the county and every feature of every layer at a point, with their plan sections"),
      N_("LAT,LON") },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &o->export.path,
      N_("Export a map page (PDF, SVG or PNG) without opening a window"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->export.format,
      N_("With --export: pdf, svg or png"), N_("FORMAT") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &o->export.paper,
      N_("With --export: A4, A3, A2, A1, A0 or Letter"), N_("SIZE") },
    { "orientation", 0, 0, G_OPTION_ARG_STRING, &o->export.orientation,
      N_("With --export: landscape or portrait"), N_("ORIENTATION") },
    { "dpi", 0, 0, G_OPTION_ARG_STRING, &o->export.dpi, N_("With --export as PNG: 72 to 600"), N_("DPI") },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, &o->export.bbox,
      N_("With --export: the extent, in degrees"), N_("W,S,E,N") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o->export.title, N_("With --export: the page title"), N_("TEXT") },
    { "subtitle", 0, 0, G_OPTION_ARG_STRING, &o->export.subtitle,
      N_("With --export: the subtitle"), N_("TEXT") },
    { "excerpt", 0, 0, G_OPTION_ARG_STRING, &o->export.excerpt,
      N_("With --export: print the plan’s text about this area beside the map"), N_("NAME_OR_ID") },
    { "book", 0, 0, G_OPTION_ARG_STRING, &o->export.book,
      N_("With --export: a briefing book, one page per area of a group or layer, or of the named "
         "areas; “figures”: the plan’s six figures"),
      N_("GROUP_OR_IDS") },
    { "locate", 0, 0, G_OPTION_ARG_FILENAME, &o->locate_path,
      N_("Report where each feature of a GIS file falls in the plan (--json, --format=csv)"), N_("FILE") },
    { "open", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->export.open,
      N_("Open a GIS file as a layer of “My data” (repeatable; also with --export)"), N_("FILE") },
    { "basemap", 0, 0, G_OPTION_ARG_STRING, &o->export.basemap,
      N_("Your own base map: mbtiles:PATH or xyz:URL_TEMPLATE with {z}, {x}, {y}"), N_("SOURCE") },
    { "attribution", 0, 0, G_OPTION_ARG_STRING, &o->export.attribution,
      N_("With --basemap: the credit line of your base map"), N_("TEXT") },
    { "crs", 0, 0, G_OPTION_ARG_STRING, &o->crs_text,
      N_("Coordinates of opened files: wgs84, gcj02, bd09 or EPSG:N (default: the file’s own)"), N_("CRS") },
    { "export-geojson", 0, 0, G_OPTION_ARG_FILENAME, &o->geojson_path,
      N_("Write the shown (or --layers) layers as GeoJSON"), N_("FILE") },
    { NULL }
  };

  o->view_ids = atlas_views_list_ids ();
  description = g_strdup_printf (_("Preset views: %s."), o->view_ids);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Capital Atlas — maps of the Spatial Coordination Plan for the "
                                  "Modern Capital Metropolitan Area (2023–2035)."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    return fail ("%s", error->message);
  if (*argc > 1)
    return fail (_("unexpected argument “%s” (see --help)"), (*argv)[1]);
  if (empty_option (entries) != NULL)
    return fail (_("--%s wants a value"), empty_option (entries));
  return GO_ON;
}

/* Options that go only with another one. */
static int
check_companions (const CliOptions *o)
{
  const ExportOptions *e = &o->export;

  if (o->json && !o->list && o->info_name == NULL && o->search_text == NULL && o->at == NULL
      && o->locate_path == NULL)
    return fail (_("--json goes with --list-layers, --info, --search, --at or --locate"));
  if (o->locate_path != NULL)
    return GO_ON;
  if ((e->format != NULL || e->paper != NULL || e->orientation != NULL || e->dpi != NULL
       || e->bbox != NULL || e->title != NULL || e->subtitle != NULL || e->book != NULL
       || e->excerpt != NULL) && e->path == NULL)
    return fail (_("--format, --paper, --orientation, --dpi, --bbox, --title, --subtitle, --excerpt "
                   "and --book go with --export=FILE"));
  return GO_ON;
}

/* --figure=N: its number, and no option it overrides. */
static int
check_figure (CliOptions *o)
{
  guint n_figures;

  atlas_register_resource ();
  n_figures = count_figures ();
  if (!atlas_figure_parse_number (o->figure_text, &o->export.figure) || o->export.figure > n_figures)
    return fail (_("--figure wants a number from 1 to %u (the plan’s figures); got “%s”"),
                 n_figures, o->figure_text);
  if (o->view_id != NULL || o->center != NULL || o->zoom_text != NULL || o->layers != NULL
      || o->export.bbox != NULL || o->export.book != NULL || o->export.excerpt != NULL
      || o->export.title != NULL || o->export.subtitle != NULL)
    return fail (_("--figure sets the layers, the extent and the title: it does not go with --view, "
                   "--center, --zoom, --layers, --bbox, --book, --excerpt, --title or --subtitle"));
  return GO_ON;
}

/* --list-layers, --export-geojson, --info, --search, --at: GO_ON if none. */
static int
run_query (const CliOptions *o)
{
  if (!o->list && o->geojson_path == NULL && o->info_name == NULL && o->search_text == NULL
      && o->at == NULL)
    return GO_ON;
  atlas_register_resource ();
  if (o->at != NULL)
    return what_is_here (o->at, o->json);
  if (o->list)
    return list_layers (o->json);
  if (o->info_name != NULL)
    return info (o->info_name, o->json);
  if (o->search_text != NULL)
    return search (o->search_text, o->json);
  return export_geojson (o->geojson_path, o->layers);
}

/* --view, --center and --zoom into the start view. */
static int
parse_start_view (const CliOptions *o,
                  AtlasStartView   *start)
{
  if (o->view_id != NULL)
    {
      const AtlasView *view = atlas_views_lookup (o->view_id);

      if (view == NULL)
        return fail (_("unknown view “%s”; the views are: %s"), o->view_id, o->view_ids);
      start->longitude = view->longitude;
      start->latitude = view->latitude;
      start->zoom = view->zoom;
    }

  if (o->center != NULL)
    {
      if (!parse_center (o->center, &start->latitude, &start->longitude))
        return fail (_("--center wants LAT,LON in degrees, e.g. 39.9,116.4; got “%s”"), o->center);
      if (start->latitude < ATLAS_REGION_SOUTH || start->latitude > ATLAS_REGION_NORTH
          || start->longitude < ATLAS_REGION_WEST || start->longitude > ATLAS_REGION_EAST)
        return fail (_("--center %s lies outside the map’s region (latitude %.1f to %.1f, "
                       "longitude %.1f to %.1f)"), o->center, ATLAS_REGION_SOUTH, ATLAS_REGION_NORTH,
                     ATLAS_REGION_WEST, ATLAS_REGION_EAST);
    }

  if (o->zoom_text != NULL)
    {
      char *end;

      start->zoom = g_ascii_strtod (o->zoom_text, &end);
      if (*end != '\0' || end == o->zoom_text || !isfinite (start->zoom)
          || start->zoom < ATLAS_MIN_ZOOM || start->zoom > ATLAS_MAX_ZOOM)
        return fail (_("--zoom wants a number from %d to %d; got “%s”"), ATLAS_MIN_ZOOM,
                     ATLAS_MAX_ZOOM, o->zoom_text);
    }
  return GO_ON;
}

/* No command: the window, on the start view. */
static int
run_window (CliOptions           *o,
            const AtlasStartView *start,
            char                 *program)
{
  g_autoptr(AtlasApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  char *app_argv[] = { program, NULL };

  app = atlas_application_new (start, o->layers);
  if (o->export.figure != 0)
    atlas_application_set_start_figure (app, o->export.figure);
  if (o->crs_text != NULL)
    {
      AtlasCrs crs;

      if (!atlas_crs_parse (o->crs_text, &crs, &error))
        return fail ("%s", error->message);
      for (guint i = 0; o->export.open != NULL && o->export.open[i] != NULL; i++)
        {
          g_autofree char *abs = g_canonicalize_filename (o->export.open[i], NULL);
          g_autofree char *name = atlas_crs_to_string (&crs);

          g_free (o->export.open[i]);
          o->export.open[i] = g_strdup_printf ("%s:%s", name, abs);   /* read by the "My data" panel */
        }
    }
  atlas_application_set_open_files (app, (const char * const *) o->export.open);
  atlas_application_set_basemap (app, o->export.basemap, o->export.attribution);
  return g_application_run (G_APPLICATION (app), 1, app_argv);
}

int
atlas_cli_run (int   argc,
               char *argv[])
{
  g_auto(CliOptions) o = { 0 };
  AtlasStartView start = { NAN, NAN, NAN };
  char *program = argv[0];
  int status;

  if ((status = parse_options (&o, &argc, &argv)) != GO_ON)
    return status;
  atlas_safe_file_install_signal_cleanup ();

  if (o.version)
    {
      g_print ("capital-atlas %s\n", PACKAGE_VERSION);
      return 0;
    }
  if ((status = check_companions (&o)) != GO_ON)
    return status;
  if (o.locate_path != NULL)
    {
      atlas_register_resource ();
      return locate (o.locate_path, o.crs_text, o.export.format, o.json);
    }
  if (o.figure_text != NULL && (status = check_figure (&o)) != GO_ON)
    return status;
  if ((status = run_query (&o)) != GO_ON)
    return status;
  if ((status = parse_start_view (&o, &start)) != GO_ON)
    return status;

  atlas_register_resource ();
  if (o.export.path != NULL)
    {
      o.export.crs = o.crs_text;
      return export_map (&o.export, o.view_id != NULL ? atlas_views_lookup (o.view_id) : NULL, &start,
                         o.layers);
    }
  return run_window (&o, &start, program);
}
