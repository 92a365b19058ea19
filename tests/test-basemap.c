/* test-basemap.c — loading the base map, its figures, and broken data */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "model/atlas-basemap.h"
#include "atlas-resources.h"

#define BASEMAP_RESOURCE "/io/github/capitalatlas/CapitalAtlas/maps/basemap"

static AtlasBasemap *
load_embedded (void)
{
  g_autoptr(GError) error = NULL;
  AtlasBasemap *basemap = atlas_basemap_new_from_resource (BASEMAP_RESOURCE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (basemap);
  return basemap;
}

static void
test_counties_per_province (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();
  guint n, beijing = 0, tianjin = 0, hebei = 0;
  const AtlasCounty *counties = atlas_basemap_get_counties (basemap, &n);
  const AtlasCounty *sanhe;

  for (guint i = 0; i < n; i++)
    {
      if (counties[i].province_code == 110000)
        beijing++;
      else if (counties[i].province_code == 120000)
        tianjin++;
      else if (counties[i].province_code == 130000)
        hebei++;
    }

  g_assert_cmpuint (n, ==, 200);
  g_assert_cmpuint (beijing, ==, 16);
  g_assert_cmpuint (tianjin, ==, 16);
  g_assert_cmpuint (hebei, ==, 168);

  sanhe = atlas_basemap_lookup_county (basemap, 131082);
  g_assert_nonnull (sanhe);
  g_assert_cmpstr (sanhe->name_zh, ==, "三河市");
  g_assert_cmpuint (sanhe->prefecture_code, ==, 131000);
}

/* Area of the full-detail county polygons summed per province, against
 * the official figures in the geodata README (北京 ≈ 16,410 km², 河北 ≈
 * 188,800 km²) and, for 天津, the data pack's own 12,216 km² (its outline
 * includes reclaimed land; the official land area is 11,966 km²). */
static void
test_province_areas (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();
  const AtlasGeomLayer *layer = atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, 3);
  double beijing = 0, tianjin = 0, hebei = 0;

  g_assert_cmpuint (layer->n_features, ==, 200);
  for (guint i = 0; i < layer->n_features; i++)
    {
      const AtlasFeature *f = &layer->features[i];
      double area = atlas_geom_feature_area_km2 (layer, f);
      const AtlasCounty *county = atlas_basemap_lookup_county (basemap, f->code);

      g_assert_nonnull (county);
      /* each county against the table's ellipsoidal area */
      g_assert_cmpfloat (fabs (area - county->area_km2), <=, MAX (0.5, county->area_km2 * 0.005));

      switch (f->code / 10000)
        {
        case 11: beijing += area; break;
        case 12: tianjin += area; break;
        case 13: hebei += area; break;
        default: g_assert_not_reached ();
        }
    }

  g_test_message ("北京 %.0f km², 天津 %.0f km², 河北 %.0f km²", beijing, tianjin, hebei);
  g_assert_cmpfloat (fabs (beijing - 16410) / 16410, <, 0.01);
  g_assert_cmpfloat (fabs (hebei - 188800) / 188800, <, 0.01);
  g_assert_cmpfloat (fabs (tianjin - 12216) / 12216, <, 0.01);
}

static void
test_layers_and_bands (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();

  for (guint l = 0; l < ATLAS_N_CORE_LAYERS; l++)
    for (guint b = 0; b < ATLAS_N_BANDS; b++)
      {
        const AtlasGeomLayer *layer = atlas_basemap_get_layer (basemap, l, b);

        g_assert_cmpuint (layer->n_features, >, 0);
        if (b > 0)
          {
            const AtlasGeomLayer *coarser = atlas_basemap_get_layer (basemap, l, b - 1);
            /* finer bands never hold fewer points */
            g_assert_cmpuint (layer->n_points, >=, coarser->n_points);
          }
      }

  g_assert_cmpuint (atlas_basemap_band_for_zoom (5), ==, 0);
  g_assert_cmpuint (atlas_basemap_band_for_zoom (8), ==, 1);
  g_assert_cmpuint (atlas_basemap_band_for_zoom (10), ==, 2);
  g_assert_cmpuint (atlas_basemap_band_for_zoom (14), ==, 3);
}

static void
test_hit_county (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();
  const AtlasGeomLayer *layer = atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, 3);
  const AtlasFeature *f;

  /* Tiananmen Square lies in 东城区 (110101) */
  f = atlas_geom_layer_hit (layer, atlas_geo_lon_to_world_x (116.3915),
                            atlas_geo_lat_to_world_y (39.9030));
  g_assert_nonnull (f);
  g_assert_cmpuint (f->code, ==, 110101);

  /* the middle of the Bohai is in no county */
  g_assert_null (atlas_geom_layer_hit (layer, atlas_geo_lon_to_world_x (120.0),
                                       atlas_geo_lat_to_world_y (39.0)));
}

static void
test_labels (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();
  guint n, provinces = 0, counties = 0;
  const AtlasLabel *labels = atlas_basemap_get_labels (basemap, &n);
  gboolean beijing = FALSE;

  for (guint i = 0; i < n; i++)
    {
      provinces += labels[i].kind == ATLAS_LABEL_PROVINCE;
      counties += labels[i].kind == ATLAS_LABEL_COUNTY;
      beijing |= labels[i].kind == ATLAS_LABEL_PROVINCE && g_str_equal (labels[i].name_zh, "北京市");
      g_assert_cmpuint (labels[i].min_zoom, <=, labels[i].max_zoom);
    }
  g_assert_cmpuint (provinces, ==, 8);
  g_assert_cmpuint (counties, ==, 200);
  g_assert_true (beijing);
}

/* Broken data */

static char *
copy_basemap (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("atlas-basemap-XXXXXX", &error);
  g_autoptr(GDir) source = g_dir_open (ATLAS_SOURCE_BASEMAP_DIR, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (source)) != NULL)
    {
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_BASEMAP_DIR, name, NULL);
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
    }
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

typedef void (*Breaker) (const char *path);

static void
truncate_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length / 2 + 3, NULL));
}

static void
bad_magic (const char *path)
{
  g_assert_true (g_file_set_contents (path, "GIF89a and then some more bytes", -1, NULL));
}

static void
empty_file (const char *path)
{
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

static void
garbage_counts (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* n_features = 0xffffffff */
  contents[8] = contents[9] = contents[10] = contents[11] = (char) 0xff;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static void
bad_coordinate (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* the first feature's bbox min_lon = 0x7f7f7f7f µ°, far beyond 180° */
  for (guint i = 24; i < 28; i++)
    contents[i] = 0x7f;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static void
malformed_table (const char *path)
{
  g_assert_true (g_file_set_contents (path, "kind\trank\nprovince\tnot-a-number\n", -1, NULL));
}

static void
invalid_utf8 (const char *path)
{
  g_assert_true (g_file_set_contents (path, "code\n\xff\xfe\xfd\n", -1, NULL));
}

static void
delete_file (const char *path)
{
  g_assert_cmpint (g_unlink (path), ==, 0);
}

typedef struct
{
  const char *file;
  Breaker     breaker;
  int         code;
} BrokenCase;

static void
test_broken (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autofree char *dir = copy_basemap ();
  g_autofree char *path = g_build_filename (dir, c->file, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasBasemap) basemap = NULL;

  c->breaker (path);
  basemap = atlas_basemap_new_from_directory (file, &error);

  g_assert_null (basemap);
  g_assert_error (error, ATLAS_BASEMAP_ERROR, c->code);
  /* the message names the file */
  g_assert_nonnull (strstr (error->message, c->file));
  g_test_message ("%s", error->message);

  remove_dir (dir);
}

static void
test_directory_loads (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (ATLAS_SOURCE_BASEMAP_DIR);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasBasemap) basemap = atlas_basemap_new_from_directory (file, &error);

  g_assert_no_error (error);
  g_assert_false (atlas_basemap_is_empty (basemap));
}

static void
test_empty (void)
{
  g_autoptr(AtlasBasemap) basemap = atlas_basemap_new_empty ();
  guint n;

  g_assert_true (atlas_basemap_is_empty (basemap));
  g_assert_cmpuint (atlas_basemap_get_layer (basemap, ATLAS_LAYER_LAND, 0)->n_features, ==, 0);
  atlas_basemap_get_labels (basemap, &n);
  g_assert_cmpuint (n, ==, 0);
}

static const BrokenCase broken_cases[] = {
  { "counties.3.bin", truncate_file, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "land.0.bin", bad_magic, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "rivers.2.bin", empty_file, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "borders.1.bin", garbage_counts, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "lakes.3.bin", bad_coordinate, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "labels.tsv", malformed_table, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "counties.tsv", invalid_utf8, ATLAS_BASEMAP_ERROR_CORRUPT },
  { "coast.2.bin", delete_file, ATLAS_BASEMAP_ERROR_MISSING },
  { "labels.tsv", delete_file, ATLAS_BASEMAP_ERROR_MISSING },
};

/* A missing or damaged optional file (relief, railways, built-up areas,
 * stations): the rest loads, the part is empty, the problem names the file. */
static void
test_optional_broken (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autofree char *dir = copy_basemap ();
  g_autofree char *path = g_build_filename (dir, c->file, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasBasemap) basemap = NULL;
  GPtrArray *problems;
  guint n_stations, n_labels, n_station_labels = 0;
  const AtlasLabel *labels;

  c->breaker (path);
  basemap = atlas_basemap_new_from_directory (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (basemap);
  g_assert_false (atlas_basemap_is_empty (basemap));
  g_assert_cmpuint (atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, 3)->n_features, ==, 200);
  problems = atlas_basemap_get_problems (basemap);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (problems->pdata[0], c->file));
  g_test_message ("%s", (char *) problems->pdata[0]);

  atlas_basemap_get_stations (basemap, &n_stations);
  labels = atlas_basemap_get_labels (basemap, &n_labels);
  for (guint i = 0; i < n_labels; i++)
    n_station_labels += labels[i].kind == ATLAS_LABEL_STATION;
  g_assert_cmpuint (n_station_labels, ==, n_stations);

  if (g_str_has_prefix (c->file, "relief"))
    g_assert_null (atlas_basemap_get_relief (basemap));
  else
    g_assert_nonnull (atlas_basemap_get_relief (basemap));
  if (g_str_has_prefix (c->file, "stations"))
    g_assert_cmpuint (n_stations, ==, 0);
  else
    g_assert_cmpuint (n_stations, >, 300);
  for (guint b = 0; b < ATLAS_N_BANDS; b++)
    {
      guint railways = atlas_basemap_get_layer (basemap, ATLAS_LAYER_RAILWAYS, b)->n_features;
      guint urban = atlas_basemap_get_layer (basemap, ATLAS_LAYER_URBAN, b)->n_features;

      if (g_str_has_prefix (c->file, "railways") || b == 0)
        g_assert_cmpuint (railways, ==, 0);
      else
        g_assert_cmpuint (railways, >, 300);
      if (g_str_has_prefix (c->file, "urban") || b == 3)
        g_assert_cmpuint (urban, ==, 0);
      else
        g_assert_cmpuint (urban, >, 50);
    }

  remove_dir (dir);
}

/* The new parts of the embedded base map. */
static void
test_relief_railways_stations (void)
{
  g_autoptr(AtlasBasemap) basemap = load_embedded ();
  const AtlasRelief *relief = atlas_basemap_get_relief (basemap);
  guint n, n_relief = 0, n_water = 0;
  const AtlasLabel *labels = atlas_basemap_get_labels (basemap, &n);
  const AtlasGeomLayer *lakes = atlas_basemap_get_layer (basemap, ATLAS_LAYER_LAKES, 3);
  guint schematic = 0;

  g_assert_cmpuint (atlas_basemap_get_problems (basemap)->len, ==, 0);
  g_assert_nonnull (relief);
  /* the DEM's extent, 113-120.5 E, 36-42.7 N, on the zoom-7 pixel grid */
  g_assert_cmpuint (relief->zoom, ==, 7);
  g_assert_cmpfloat (fabs (relief->x0 / (256.0 * 128) - atlas_geo_lon_to_world_x (113)), <, 2 / (256.0 * 128));
  g_assert_cmpfloat (fabs ((relief->x0 + relief->width) / (256.0 * 128) - atlas_geo_lon_to_world_x (120.5)),
                     <, 2 / (256.0 * 128));

  for (guint i = 0; i < n; i++)
    {
      n_relief += labels[i].kind == ATLAS_LABEL_RELIEF;
      n_water += labels[i].kind == ATLAS_LABEL_WATER;
    }
  g_assert_cmpuint (n_relief, >=, 6);
  g_assert_cmpuint (n_water, >=, 1);

  for (guint i = 0; i < lakes->n_features; i++)
    if (lakes->features[i].kind == ATLAS_LAKE_SCHEMATIC)
      {
        double area = atlas_geom_feature_area_km2 (lakes, &lakes->features[i]);

        schematic++;
        /* 白洋淀 366, 衡水湖 75, 潘家口 70, 大黑汀 15 km² */
        g_assert_true (fabs (area - 366) < 10 || fabs (area - 75) < 3 || fabs (area - 70) < 3
                       || fabs (area - 15) < 1);
      }
  g_assert_cmpuint (schematic, ==, 4);
}

static const BrokenCase optional_cases[] = {
  { "relief.bin", truncate_file, 0 },
  { "relief.bin", delete_file, 0 },
  { "railways.3.bin", bad_magic, 0 },
  { "railways.1.bin", delete_file, 0 },
  { "urban.1.bin", garbage_counts, 0 },
  { "stations.tsv", malformed_table, 0 },
  { "stations.tsv", delete_file, 0 },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  atlas_register_resource ();

  g_test_add_func ("/atlas/basemap/counties-per-province", test_counties_per_province);
  g_test_add_func ("/atlas/basemap/province-areas", test_province_areas);
  g_test_add_func ("/atlas/basemap/layers-and-bands", test_layers_and_bands);
  g_test_add_func ("/atlas/basemap/hit-county", test_hit_county);
  g_test_add_func ("/atlas/basemap/labels", test_labels);
  g_test_add_func ("/atlas/basemap/directory", test_directory_loads);
  g_test_add_func ("/atlas/basemap/empty", test_empty);
  g_test_add_func ("/atlas/basemap/relief-railways-stations", test_relief_railways_stations);
  for (guint i = 0; i < G_N_ELEMENTS (optional_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/atlas/basemap/optional-broken/%u-%s", i,
                                               optional_cases[i].file);
      g_test_add_data_func (path, &optional_cases[i], test_optional_broken);
    }
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/atlas/basemap/broken/%u-%s", i, broken_cases[i].file);
      g_test_add_data_func (path, &broken_cases[i], test_broken);
    }

  return g_test_run ();
}
