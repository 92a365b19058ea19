/* atlas-bench-import.c — capital-atlas-bench import: users' files
 *
 * Writes 100,000 points spread over the region as CSV (lon/lat columns) and
 * as a GeoPackage into a temporary folder, loads each with the model's
 * reader (what the window does on a worker thread), then locates 10,000 of
 * them in the plan, and prints
 *   import: csv_100k_ms=X gpkg_100k_ms=Y locate_10k_ms=Z
 *   import-tiles: median_ms=X max_ms=Y   drawing the 100,000 points as map tiles
 *                                        (256 px, zooms 6–10, on a worker in the window)
 *   import-1m: csv_1m_ms=X rss_mb=Y data_mb=Z main_stall_max_ms=W progress=N
 *                                        a CSV of 1,000,000 points loaded on a worker thread as
 *                                        the window does, while the main loop runs a 5 ms probe;
 *                                        data_mb is what the loaded points add to the RSS
 *   import-tiles-1m: median_ms=X max_ms=Y  their tiles, as import-tiles
 * (writing the files is not timed).
 */

#include "config.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "atlas-bench-import.h"
#include "model/atlas-locate.h"
#include "model/atlas-user-data.h"
#include "render/atlas-user-renderer.h"

#define N_POINTS 100000
#define N_LOCATE 10000
#define N_MILLION 1000000
#define PROBE_MS 5

static void
point_at (guint   i,
          double *lon,
          double *lat)
{
  /* a scrambled grid over 113.5–119.8 E, 36–42.6 N */
  guint k = (i * 7919u) % N_POINTS;

  *lon = 113.5 + (k % 400) * 6.3 / 400.0;
  *lat = 36.0 + (k / 400) * 6.6 / (N_POINTS / 400.0);
}

static char *
write_csv (const char *dir,
           guint       n)
{
  g_autoptr(GString) s = g_string_new ("name,lon,lat,kind\n");
  g_autofree char *base = g_strdup_printf ("points-%u.csv", n);
  char *path = g_build_filename (dir, base, NULL);

  for (guint i = 0; i < n; i++)
    {
      double lon, lat;

      if (n == N_POINTS)
        point_at (i, &lon, &lat);
      else
        {
          lon = 113.5 + (i % 1000) * 6.3 / 1000.0 + (i % 7) * 1e-4;
          lat = 36.0 + ((i * 7919u) % n) / 1000 * 6.6 / (n / 1000.0);
        }
      g_string_append_printf (s, "p%u,%.5f,%.5f,site\n", i, lon, lat);
    }
  g_file_set_contents (path, s->str, s->len, NULL);
  return path;
}

static char *
write_gpkg (const char *dir)
{
  char *path = g_build_filename (dir, "points.gpkg", NULL);
  GDALDriverH driver = GDALGetDriverByName ("GPKG");
  GDALDatasetH ds = driver != NULL ? GDALCreate (driver, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
  OGRSpatialReferenceH srs;
  OGRLayerH layer;
  OGRFieldDefnH field;

  if (ds == NULL)
    return path;
  srs = OSRNewSpatialReference (NULL);
  OSRImportFromEPSG (srs, 4326);
  layer = GDALDatasetCreateLayer (ds, "points", srs, wkbPoint, NULL);
  field = OGR_Fld_Create ("name", OFTString);
  OGR_L_CreateField (layer, field, TRUE);
  OGR_Fld_Destroy (field);
  GDALDatasetStartTransaction (ds, FALSE);
  for (guint i = 0; i < N_POINTS; i++)
    {
      OGRFeatureH f = OGR_F_Create (OGR_L_GetLayerDefn (layer));
      OGRGeometryH g = OGR_G_CreateGeometry (wkbPoint);
      g_autofree char *name = g_strdup_printf ("p%u", i);
      double lon, lat;

      point_at (i, &lon, &lat);
      OGR_G_SetPoint_2D (g, 0, lon, lat);
      OGR_F_SetGeometryDirectly (f, g);
      OGR_F_SetFieldString (f, 0, name);
      if (OGR_L_CreateFeature (layer, f) != OGRERR_NONE)
        g_printerr ("capital-atlas-bench: %s: a point could not be written\n", path);
      OGR_F_Destroy (f);
    }
  GDALDatasetCommitTransaction (ds);
  OSRDestroySpatialReference (srs);
  GDALClose (ds);
  return path;
}

static double
time_load (const char     *path,
           AtlasUserData **out)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  *out = atlas_user_data_load (path, NULL, NULL, NULL, NULL, &error);
  if (*out == NULL)
    {
      g_printerr ("capital-atlas-bench: %s\n", error->message);
      return -1;
    }
  if ((*out)->n_features != N_POINTS)
    g_printerr ("capital-atlas-bench: %s: %u features, not %u\n", path, (*out)->n_features, N_POINTS);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
compare_ms (const void *a,
            const void *b)
{
  double d = *(const double *) a - *(const double *) b;

  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

static void bench_tiles (AtlasUserData *ud,
                         const char    *what);

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

typedef struct
{
  GMainLoop     *loop;
  AtlasUserData *data;
  gint64         last, max;   /* µs */
  gint           progress;    /* reports, counted on the worker */
} Million;

static gboolean
probe_cb (gpointer user_data)
{
  Million *m = user_data;
  gint64 now = g_get_monotonic_time ();

  m->max = MAX (m->max, now - m->last - PROBE_MS * 1000);
  m->last = now;
  return G_SOURCE_CONTINUE;
}

static void
million_progress_cb (double   fraction,
                     gpointer user_data)
{
  g_atomic_int_inc (&((Million *) user_data)->progress);
}

static void
million_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Million *m = user_data;
  g_autoptr(GError) error = NULL;

  m->data = atlas_user_data_load_finish (result, &error);
  if (m->data == NULL)
    g_printerr ("capital-atlas-bench: %s\n", error->message);
  g_main_loop_quit (m->loop);
}

/* A million points as the window loads them: on a worker thread, while the
 * main loop keeps running (its longest stall measured), then freed. */
static void
bench_million (const char *dir)
{
  g_autofree char *csv = write_csv (dir, N_MILLION);
  Million m = { g_main_loop_new (NULL, FALSE), NULL, 0, 0, 0 };
  double rss0, rss1;
  gint64 t0;
  guint probe;

  malloc_trim (0);
  rss0 = rss_mb ();
  t0 = m.last = g_get_monotonic_time ();
  probe = g_timeout_add_full (G_PRIORITY_HIGH, PROBE_MS, probe_cb, &m, NULL);
  atlas_user_data_load_async (csv, NULL, NULL, million_progress_cb, &m, million_loaded_cb, &m);
  g_main_loop_run (m.loop);
  g_source_remove (probe);
  g_unlink (csv);
  if (m.data == NULL)
    return;
  rss1 = rss_mb ();
  printf ("import-1m: csv_1m_ms=%.0f rss_mb=%.0f data_mb=%.0f main_stall_max_ms=%.1f progress=%d (%u points)\n",
          (g_get_monotonic_time () - t0) / 1000.0, rss1, rss1 - rss0, m.max / 1000.0,
          g_atomic_int_get (&m.progress), m.data->n_features);
  bench_tiles (m.data, "import-tiles-1m");
  atlas_user_data_free (m.data);
  g_main_loop_unref (m.loop);
}

/* The tiles the window draws for the points, around Beijing. */
static void
bench_tiles (AtlasUserData *ud,
             const char    *what)
{
  AtlasUserLayerStyle style = { ud, 0, TRUE, 1.0, { 0.85, 0.16, 0.55, 1 }, -1 };
  g_autoptr(AtlasUserRenderer) r = atlas_user_renderer_new (&style, 1);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint z = 6; z <= 10; z++)
    {
      guint cx, cy;

      atlas_geo_lonlat_to_tile (116.4, 39.9, z, &cx, &cy);
      for (int dx = -1; dx <= 1; dx++)
        for (int dy = -1; dy <= 1; dy++)
          {
            gint64 t0 = g_get_monotonic_time ();
            cairo_surface_t *s = atlas_painter_render_tile (atlas_user_renderer_as_painter (r), z,
                                                            cx + dx, cy + dy, 1);
            double ms = (g_get_monotonic_time () - t0) / 1000.0;

            cairo_surface_destroy (s);
            g_array_append_val (times, ms);
          }
    }
  g_array_sort (times, compare_ms);
  printf ("%s: median_ms=%.1f max_ms=%.1f\n", what, g_array_index (times, double, times->len / 2),
          g_array_index (times, double, times->len - 1));
}

int
atlas_bench_import (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-bench-import-XXXXXX", NULL);
  g_autofree char *csv = NULL, *gpkg = NULL;
  g_autoptr(AtlasUserData) a = NULL;
  g_autoptr(AtlasUserData) b = NULL;
  g_autoptr(AtlasData) data = NULL;
  g_autoptr(AtlasLocator) locator = NULL;
  AtlasUserLayer *layer;
  double csv_ms, gpkg_ms, locate_ms;
  guint found = 0;
  gint64 t0;

  if (dir == NULL)
    return 1;
  GDALAllRegister ();
  bench_million (dir);
  csv = write_csv (dir, N_POINTS);
  gpkg = write_gpkg (dir);
  csv_ms = time_load (csv, &a);
  gpkg_ms = time_load (gpkg, &b);
  g_unlink (csv);
  g_unlink (gpkg);
  g_rmdir (dir);
  if (a == NULL || b == NULL)
    return 1;

  data = atlas_data_load (NULL, TRUE);
  locator = atlas_locator_new (data, ATLAS_LOCATE_DISTANCE_KM);
  layer = g_ptr_array_index (a->layers, 0);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_LOCATE; i++)
    {
      AtlasUserFeature *f = g_ptr_array_index (layer->features, i);
      g_autoptr(AtlasLocateEntry) e = atlas_locator_locate (locator, f->name, layer->name, f->shape, f->geos);

      found += e->zones->len > 0;
    }
  locate_ms = (g_get_monotonic_time () - t0) / 1000.0;
  printf ("import: csv_100k_ms=%.0f gpkg_100k_ms=%.0f locate_10k_ms=%.0f (in a zone: %u)\n",
          csv_ms, gpkg_ms, locate_ms, found);
  bench_tiles (b, "import-tiles");
  return 0;
}
