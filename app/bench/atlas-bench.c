/* atlas-bench.c — capital-atlas-bench: prints performance figures
 *
 *   capital-atlas-bench tiles [--list FILE] [--scale 1|2]
 *   capital-atlas-bench overlay
 *   capital-atlas-bench export
 *   capital-atlas-bench import     (atlas-bench-import.c)
 *
 * Renders each tile of the list once on one thread (the default list is 500
 * tiles over zooms 5–14 across the region, from a fixed seed) and prints
 *   tiles: n=N median_ms=X p99_ms=Y max_rss_mb=Z
 * Label placement, computed once per zoom for the whole region, is done
 * before timing and reported on a line of its own.
 *
 * The overlay command shows every layer of the plan on a 1920×1080 view at
 * zooms 7, 9 and 11 over several places and prints
 *   overlay: median_ms=X p99_ms=Y            the drawing done on the main thread per frame:
 *                                            the hovered and the selected feature (the rest
 *                                            are cached tiles)
 *   overlay-repaint: median_ms=X p99_ms=Y    drawing every overlay tile of the view, as after
 *                                            toggling a layer, on one thread
 *
 * The export command writes an A3 landscape page of the region with the
 * circles and cross-border areas, as vector PDF and as 300 dpi PNG, and
 * prints  export: pdf_a3_ms=X png_a3_300_ms=Y pdf_bytes=Z  (data loading
 * not included); then each of the plan's six figures as an A3 plate:
 *   plates: n=6 max_pdf_a3_ms=X max_pdf_bytes=Y
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <glib/gstdio.h>

#include "model/atlas-views.h"
#include "export/atlas-export.h"
#include "model/atlas-data.h"
#include "model/atlas-plan-index.h"
#include "render/atlas-basemap-renderer.h"
#include "render/atlas-overlay-renderer.h"
#include "atlas-resources.h"
#include "atlas-bench-import.h"


typedef struct
{
  guint z, x, y;
} TileId;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;
  return da < db ? -1 : da > db;
}

static double
max_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

/* 50 tiles per zoom from 5 to 14, uniformly over the region's land. */
static GArray *
default_tiles (void)
{
  GArray *tiles = g_array_new (FALSE, FALSE, sizeof (TileId));
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);

  for (guint z = 5; z <= 14; z++)
    for (guint i = 0; i < 50; i++)
      {
        double lon = g_rand_double_range (rand, 113.5, 119.8);
        double lat = g_rand_double_range (rand, 36.1, 42.5);
        TileId t = { z, 0, 0 };

        atlas_geo_lonlat_to_tile (lon, lat, z, &t.x, &t.y);
        g_array_append_val (tiles, t);
      }

  return tiles;
}

static GArray *
read_tiles (const char  *path,
            GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) tiles = g_array_new (FALSE, FALSE, sizeof (TileId));

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      TileId t;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      if (sscanf (line, "%u %u %u", &t.z, &t.x, &t.y) != 3 || t.z > 20
          || t.x >= (1u << t.z) || t.y >= (1u << t.z))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: expected “z x y”",
                       path, i + 1);
          return NULL;
        }
      g_array_append_val (tiles, t);
    }

  return g_steal_pointer (&tiles);
}

/* The thread's CPU time, ms: what the work costs when the machine is
 * shared (the wall time then includes waiting for a core). */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
bench_tiles (AtlasBasemapRenderer *renderer,
             GArray               *tiles,
             int                   scale)
{
  g_autofree double *times = g_new (double, MAX (tiles->len, 1));
  g_autofree double *cpu = g_new (double, MAX (tiles->len, 1));
  gint64 t0;
  double placement_ms;

  /* Label placement: once per zoom, as in the application. */
  t0 = g_get_monotonic_time ();
  for (guint z = ATLAS_MIN_ZOOM; z <= ATLAS_MAX_ZOOM; z++)
    cairo_surface_destroy (atlas_basemap_renderer_render_tile (renderer, z, 0, 0, 1));
  placement_ms = (g_get_monotonic_time () - t0) / 1000.0;

  for (guint i = 0; i < tiles->len; i++)
    {
      TileId *t = &g_array_index (tiles, TileId, i);
      double c0 = cpu_ms ();
      gint64 start = g_get_monotonic_time ();
      cairo_surface_t *surface = atlas_basemap_renderer_render_tile (renderer, t->z, t->x, t->y,
                                                                     scale);

      times[i] = (g_get_monotonic_time () - start) / 1000.0;
      cpu[i] = cpu_ms () - c0;
      cairo_surface_destroy (surface);
    }

  qsort (times, tiles->len, sizeof (double), compare_doubles);
  qsort (cpu, tiles->len, sizeof (double), compare_doubles);
  printf ("labels: placement_ms=%.1f (zooms %d-%d, once per zoom)\n", placement_ms,
          ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM);
  printf ("tiles: n=%u median_ms=%.2f p99_ms=%.2f max_rss_mb=%.0f\n", tiles->len,
          times[tiles->len / 2], times[MIN (tiles->len - 1, (guint) ceil (tiles->len * 0.99) - 1)],
          max_rss_mb ());
  printf ("tiles-cpu: median_ms=%.2f p99_ms=%.2f (CPU time of the thread)\n", cpu[tiles->len / 2],
          cpu[MIN (tiles->len - 1, (guint) ceil (tiles->len * 0.99) - 1)]);
  return 0;
}

static double
percentile (double *values,
            guint   n,
            double  p)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[MIN (n - 1, (guint) ceil (n * p) - 1)];
}

static int
bench_overlay (void)
{
  static const double places[][2] = {
    { 116.40, 39.90 }, { 117.20, 39.13 }, { 115.98, 38.96 }, { 116.72, 39.83 }, { 114.51, 38.04 },
  };
  static const guint zooms[] = { 7, 9, 11 };
  const double width = 1920, height = 1080;
  g_autoptr(AtlasData) data = atlas_data_load (NULL, TRUE);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  g_autofree gboolean *visible = g_new (gboolean, MAX (layers->len, 1));
  g_autofree double *opacity = g_new (double, MAX (layers->len, 1));
  g_autoptr(AtlasOverlayRenderer) renderer = NULL;
  AtlasOverlayFeature *selected, *hover;
  double frame[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double repaint[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double toggle[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double repaint_cpu[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double toggle_cpu[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double frame_cpu[G_N_ELEMENTS (places) * G_N_ELEMENTS (zooms)];
  double c0;
  AtlasOverlayRenderer *toggled;
  AtlasVisibility *shown;
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guint n = 0, tiles = 0;

  if (data->problems->len > 0)
    {
      g_printerr ("capital-atlas-bench: %s\n", (char *) data->problems->pdata[0]);
      return 1;
    }
  printf ("load: data_ms=%.0f (with the overlays' geometry)\n", data->load_ms);

  for (guint i = 0; i < layers->len; i++)
    {
      visible[i] = TRUE;
      opacity[i] = 1.0;
    }
  {
    g_autoptr(AtlasVisibility) all = atlas_visibility_new (data->overlays, visible, opacity, NULL);

    renderer = atlas_overlay_renderer_new (data->overlays, all);
  }
  /* as in the window: the overlay tiles carry the base map's labels too */
  atlas_overlay_renderer_set_basemap (renderer, data->basemap);
  /* the worst case for the per-frame highlight: the largest zones */
  selected = atlas_overlays_lookup_feature (data->overlays, "industrial_circle");
  hover = atlas_overlays_lookup_feature (data->overlays, "functional_circle");

  for (guint zi = 0; zi < G_N_ELEMENTS (zooms); zi++)
    cairo_surface_destroy (atlas_painter_render_tile (atlas_overlay_renderer_as_painter (renderer),
                                                      zooms[zi], 0, 0, 1));

  for (guint zi = 0; zi < G_N_ELEMENTS (zooms); zi++)
    for (guint pi = 0; pi < G_N_ELEMENTS (places); pi++)
      {
        double scale = ATLAS_TILE_SIZE * pow (2, zooms[zi]);
        AtlasViewport vp = { zooms[zi], 0, 0, width, height };
        gint64 t0;
        cairo_t *cr;
        guint tx0, ty0, tx1, ty1;

        vp.origin_x = atlas_geo_lon_to_world_x (places[pi][0]) - width / 2 / scale;
        vp.origin_y = atlas_geo_lat_to_world_y (places[pi][1]) - height / 2 / scale;

        c0 = cpu_ms ();
        t0 = g_get_monotonic_time ();
        cr = cairo_create (target);
        if (selected != NULL)
          atlas_overlay_draw_highlight (cr, selected, &vp, TRUE);
        if (hover != NULL)
          atlas_overlay_draw_highlight (cr, hover, &vp, FALSE);
        cairo_destroy (cr);
        frame[n] = (g_get_monotonic_time () - t0) / 1000.0;
        frame_cpu[n] = cpu_ms () - c0;

        tx0 = (guint) floor (vp.origin_x * (1u << zooms[zi]));
        ty0 = (guint) floor (vp.origin_y * (1u << zooms[zi]));
        tx1 = (guint) floor ((vp.origin_x + width / scale) * (1u << zooms[zi]));
        ty1 = (guint) floor ((vp.origin_y + height / scale) * (1u << zooms[zi]));
        c0 = cpu_ms ();
        t0 = g_get_monotonic_time ();
        for (guint ty = ty0; ty <= ty1; ty++)
          for (guint tx = tx0; tx <= tx1; tx++)
            {
              cairo_surface_destroy (atlas_painter_render_tile (atlas_overlay_renderer_as_painter (renderer),
                                                                zooms[zi], tx, ty, 1));
              tiles++;
            }
        repaint[n] = (g_get_monotonic_time () - t0) / 1000.0;
        repaint_cpu[n] = cpu_ms () - c0;

        /* a toggle as the window does it: a new painter without one layer
         * (its labels placed anew), every tile of the view drawn again */
        visible[(zi * G_N_ELEMENTS (places) + pi) % layers->len] = FALSE;
        c0 = cpu_ms ();
        t0 = g_get_monotonic_time ();
        shown = atlas_visibility_new (data->overlays, visible, opacity, NULL);
        toggled = atlas_overlay_renderer_new (data->overlays, shown);
        atlas_visibility_unref (shown);
        atlas_overlay_renderer_set_basemap (toggled, data->basemap);
        for (guint ty = ty0; ty <= ty1; ty++)
          for (guint tx = tx0; tx <= tx1; tx++)
            cairo_surface_destroy (atlas_painter_render_tile (atlas_overlay_renderer_as_painter (toggled),
                                                              zooms[zi], tx, ty, 1));
        toggle[n] = (g_get_monotonic_time () - t0) / 1000.0;
        toggle_cpu[n] = cpu_ms () - c0;
        atlas_overlay_renderer_unref (toggled);
        visible[(zi * G_N_ELEMENTS (places) + pi) % layers->len] = TRUE;
        n++;
      }
  cairo_surface_destroy (target);

  printf ("overlay: median_ms=%.2f p99_ms=%.2f (per frame on the main thread: hover and selection "
          "of the two largest zones; %u views)\n",
          percentile (frame, n, 0.5), percentile (frame, n, 0.99), n);
  printf ("overlay-repaint: median_ms=%.1f p99_ms=%.1f (every overlay tile of a 1920x1080 view, "
          "all %u layers on, one thread; %u tiles in all)\n",
          percentile (repaint, n, 0.5), percentile (repaint, n, 0.99), layers->len, tiles);
  printf ("overlay-toggle: median_ms=%.1f p99_ms=%.1f (the same views again after one layer is "
          "switched off: new painter, labels placed anew, every tile; one thread)\n",
          percentile (toggle, n, 0.5), percentile (toggle, n, 0.99));
  printf ("overlay-cpu: frame_median_ms=%.2f frame_p99_ms=%.2f repaint_median_ms=%.1f repaint_p99_ms=%.1f toggle_median_ms=%.1f "
          "toggle_p99_ms=%.1f (CPU time of the thread)\n",
          percentile (frame_cpu, n, 0.5), percentile (frame_cpu, n, 0.99),
          percentile (repaint_cpu, n, 0.5), percentile (repaint_cpu, n, 0.99),
          percentile (toggle_cpu, n, 0.5), percentile (toggle_cpu, n, 0.99));
  return 0;
}

static double
time_export (AtlasExportJob    *job,
             AtlasExportFormat  format,
             const char        *path)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  job->format = format;
  if (!atlas_export_write (job, path, &error))
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return -1;
    }
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
bench_export (void)
{
  g_autoptr(AtlasData) data = atlas_data_load (NULL, TRUE);
  g_autoptr(AtlasExportJob) job = atlas_export_job_new (data, NULL);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  g_autofree gboolean *visible = g_new0 (gboolean, MAX (layers->len, 1));
  g_autoptr(AtlasVisibility) shown = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atlas-bench-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "a3.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "a3.png", NULL);
  double pdf_ms, png_ms;
  GStatBuf st = { 0 };

  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *layer = g_ptr_array_index (layers, i);
      visible[i] = g_str_equal (layer->group->id, "circles") || g_str_equal (layer->group->id, "crossborder");
    }
  shown = atlas_visibility_new (data->overlays, visible, NULL, NULL);
  atlas_export_job_set_visibility (job, shown);
  job->dpi = 300;
  pdf_ms = time_export (job, ATLAS_EXPORT_PDF, pdf);
  png_ms = time_export (job, ATLAS_EXPORT_PNG, png);
  if (pdf_ms < 0 || png_ms < 0)
    return 1;
  g_stat (pdf, &st);
  printf ("export: pdf_a3_ms=%.0f png_a3_300_ms=%.0f pdf_bytes=%lld\n", pdf_ms, png_ms,
          (long long) st.st_size);
  g_unlink (png);

  /* the plan's figures, one plate each */
  if (data->figures != NULL)
    {
      double max_ms = 0;
      long long max_bytes = 0;
      guint n = atlas_figures_get_n_figures (data->figures);

      job->plates = g_ptr_array_new ();
      for (guint i = 0; i < n; i++)
        {
          double ms;

          g_ptr_array_set_size (job->plates, 0);
          g_ptr_array_add (job->plates, (gpointer) atlas_figures_get_figure (data->figures, i));
          if ((ms = time_export (job, ATLAS_EXPORT_PDF, pdf)) < 0)
            return 1;
          g_stat (pdf, &st);
          max_ms = MAX (max_ms, ms);
          max_bytes = MAX (max_bytes, (long long) st.st_size);
        }
      printf ("plates: n=%u max_pdf_a3_ms=%.0f max_pdf_bytes=%lld\n", n, max_ms, max_bytes);
    }
  g_unlink (pdf);
  g_rmdir (dir);
  return 0;
}

/* The plan index: its build, and what --info answers for every county (the
 * JSON the side panel and the command line show: memberships, what lies
 * inside, passages). */
static int
bench_plan (void)
{
  g_autoptr(AtlasData) data = atlas_data_load (NULL, TRUE);
  g_autoptr(GBytes) aliases = atlas_data_load_aliases (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
  AtlasPlanIndex *index;
  const AtlasCounty *counties;
  guint n;
  gint64 t0;
  double build_ms;

  if (data == NULL || data->plan == NULL || aliases == NULL)
    {
      g_printerr ("capital-atlas-bench: the plan or its aliases could not be loaded\n");
      return 1;
    }
  t0 = g_get_monotonic_time ();
  index = atlas_plan_index_new (data, aliases, &error);
  build_ms = (g_get_monotonic_time () - t0) / 1000.0;
  if (index == NULL)
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return 1;
    }

  counties = atlas_basemap_get_counties (data->basemap, &n);
  for (guint i = 0; i < n; i++)
    {
      char id[16];
      g_autofree char *json = NULL;
      double ms, cpu_ms;
      struct timespec c0, c1;

      g_snprintf (id, sizeof id, "%06u", counties[i].code);
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c0);
      t0 = g_get_monotonic_time ();
      json = atlas_entity_to_json (index, atlas_plan_index_lookup (index, id));
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c1);
      cpu_ms = (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6;
      g_array_append_val (times, ms);
      g_array_append_val (cpu_times, cpu_ms);
    }
  g_array_sort (times, compare_doubles);
  g_array_sort (cpu_times, compare_doubles);
  /* the CPU time is what the work costs when the machine is shared */
  printf ("plan: index_ms=%.1f counties=%u county_info_median_ms=%.2f county_info_max_ms=%.2f "
          "county_info_cpu_max_ms=%.2f\n",
          build_ms, times->len, g_array_index (times, double, times->len / 2),
          g_array_index (times, double, times->len - 1), g_array_index (cpu_times, double, cpu_times->len - 1));
  atlas_plan_index_unref (index);
  return 0;
}

/* Builds the plan index five times: the median time. */
static int
bench_index (void)
{
  g_autoptr(AtlasData) data = atlas_data_load (NULL, TRUE);
  g_autoptr(GBytes) aliases = atlas_data_load_aliases (NULL, NULL);
  double ms[5];

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      AtlasPlanIndex *index = atlas_plan_index_new (data, aliases, &error);

      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (index == NULL)
        {
          g_printerr ("capital-atlas-bench: %s\n", error->message);
          return 1;
        }
      atlas_plan_index_unref (index);
    }
  qsort (ms, G_N_ELEMENTS (ms), sizeof (double), compare_doubles);
  printf ("index: build_median_ms=%.1f max_rss_mb=%.0f\n", ms[2], max_rss_mb ());
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *list = NULL;
  g_autofree char *data_dir = NULL;
  int scale = 1;
  GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_FILENAME, &list, "Tiles to render, “z x y” per line", "FILE" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Scale factor (2 renders 512-pixel tiles)", "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Base-map folder instead of the embedded data", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("tiles|overlay");
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasBasemap) basemap = NULL;
  g_autoptr(AtlasBasemapRenderer) renderer = NULL;
  g_autoptr(GArray) tiles = NULL;
  gint64 t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || (!g_str_equal (argv[1], "tiles") && !g_str_equal (argv[1], "overlay")
                    && !g_str_equal (argv[1], "export") && !g_str_equal (argv[1], "plan")
                    && !g_str_equal (argv[1], "import")
                    && !g_str_equal (argv[1], "index")))
    {
      g_printerr ("capital-atlas-bench: usage: capital-atlas-bench tiles [--list FILE] [--scale N]\n"
                  "                            capital-atlas-bench overlay|export|plan|import|index\n");
      return 2;
    }

  atlas_register_resource ();
  if (g_str_equal (argv[1], "overlay"))
    return bench_overlay ();
  if (g_str_equal (argv[1], "export"))
    return bench_export ();
  if (g_str_equal (argv[1], "plan"))
    return bench_plan ();
  if (g_str_equal (argv[1], "import"))
    return atlas_bench_import ();
  if (g_str_equal (argv[1], "index"))
    return bench_index ();
  t0 = g_get_monotonic_time ();
  if (data_dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (data_dir);
      basemap = atlas_basemap_new_from_directory (dir, &error);
    }
  else
    basemap = atlas_basemap_new_from_resource ("/io/github/capitalatlas/CapitalAtlas/maps/basemap",
                                               &error);
  if (basemap == NULL)
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return 1;
    }
  printf ("load: basemap_ms=%.1f\n", (g_get_monotonic_time () - t0) / 1000.0);

  tiles = list != NULL ? read_tiles (list, &error) : default_tiles ();
  if (tiles == NULL)
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return 1;
    }

  renderer = atlas_basemap_renderer_new (basemap);
  return bench_tiles (renderer, tiles, scale);
}
