/* test-geo.c — Web Mercator, tile maths and geodesy */

#include <math.h>

#include "model/atlas-geo.h"
#include "model/atlas-views.h"

static void
test_mercator_known_values (void)
{
  g_assert_cmpfloat_with_epsilon (atlas_geo_lon_to_world_x (0), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (atlas_geo_lon_to_world_x (-180), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (atlas_geo_lat_to_world_y (0), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (atlas_geo_lat_to_world_y (ATLAS_MAX_LATITUDE), 0.0, 1e-9);
  /* Tiananmen Square, 116.3915 E 39.9030 N: EPSG:3857 x = 12956642.5 m, y = 4851856.5 m */
  g_assert_cmpfloat_with_epsilon ((atlas_geo_lon_to_world_x (116.3915) - 0.5) * 40075016.686,
                                  12956642.5, 0.5);
  g_assert_cmpfloat_with_epsilon ((0.5 - atlas_geo_lat_to_world_y (39.9030)) * 40075016.686,
                                  4851856.5, 0.5);
}

static void
test_mercator_round_trip (void)
{
  for (double lat = -80; lat <= 80; lat += 7.3)
    g_assert_cmpfloat_with_epsilon (atlas_geo_world_y_to_lat (atlas_geo_lat_to_world_y (lat)), lat,
                                    1e-9);
  for (double lon = -179; lon <= 179; lon += 11.1)
    g_assert_cmpfloat_with_epsilon (atlas_geo_world_x_to_lon (atlas_geo_lon_to_world_x (lon)), lon,
                                    1e-9);
}

static void
test_tiles (void)
{
  guint x, y;
  AtlasRect r;

  /* Tiananmen Square lies just south of the edge between rows 96 and 97
   * at zoom 8 (y = 97.006); tile (210, 96) covers the north of Beijing. */
  atlas_geo_lonlat_to_tile (116.3915, 39.9030, 8, &x, &y);
  g_assert_cmpuint (x, ==, 210);
  g_assert_cmpuint (y, ==, 97);
  atlas_geo_lonlat_to_tile (116.5, 40.5, 8, &x, &y);
  g_assert_cmpuint (x, ==, 210);
  g_assert_cmpuint (y, ==, 96);

  atlas_geo_lonlat_to_tile (0, 0, 1, &x, &y);
  g_assert_cmpuint (x, ==, 1);
  g_assert_cmpuint (y, ==, 1);

  atlas_geo_tile_world_rect (8, 210, 96, &r);
  g_assert_cmpfloat (r.x0, <=, atlas_geo_lon_to_world_x (116.3915));
  g_assert_cmpfloat (r.x1, >, atlas_geo_lon_to_world_x (116.3915));
  g_assert_cmpfloat_with_epsilon (r.x1 - r.x0, 1.0 / 256, 1e-15);
}

static void
test_meters_per_pixel (void)
{
  g_assert_cmpfloat_with_epsilon (atlas_geo_meters_per_pixel (0, 0), 156543.034, 0.01);
  g_assert_cmpfloat_with_epsilon (atlas_geo_meters_per_pixel (60, 1), 156543.034 / 4, 0.01);
}

static void
test_areas (void)
{
  /* A 1° × 1° cell at the equator on WGS84: 12,308.5 km² */
  const double cell[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
  /* The same cell at 40° N: 9,412.9 km² (cos 40° smaller, ellipsoid) */
  const double cell40[] = { 116, 40, 117, 40, 117, 41, 116, 41 };

  g_assert_cmpfloat_with_epsilon (atlas_geo_ring_area_m2 (cell, 4) / 1e6, 12308.46, 0.5);
  g_assert_cmpfloat_with_epsilon (atlas_geo_ring_area_m2 (cell40, 4) / 1e6, 9412.85, 0.5);
  g_assert_cmpfloat (atlas_geo_ring_area_m2 (cell, 2), ==, 0.0);
}

static void
test_distance_and_scale (void)
{
  /* Beijing – Tianjin city centres: about 113 km */
  double d = atlas_geo_distance_m (116.3915, 39.9030, 117.1950, 39.1250);

  g_assert_cmpfloat (d, >, 105000);
  g_assert_cmpfloat (d, <, 120000);

  g_assert_cmpfloat (atlas_geo_round_scale_length (7300), ==, 5000);
  g_assert_cmpfloat (atlas_geo_round_scale_length (230), ==, 200);
  g_assert_cmpfloat (atlas_geo_round_scale_length (1.5), ==, 1);
}

static void
test_point_in_ring (void)
{
  const AtlasPoint square[] = { { 0, 0 }, { 2, 0 }, { 2, 2 }, { 0, 2 } };

  g_assert_true (atlas_geo_point_in_ring (square, 4, 1, 1));
  g_assert_false (atlas_geo_point_in_ring (square, 4, 3, 1));
  g_assert_false (atlas_geo_point_in_ring (square, 4, -0.1, 1));
}

static void
test_views (void)
{
  guint n;
  const AtlasView *views = atlas_views_get_all (&n);
  double lon = 130, lat = 20;

  g_assert_cmpuint (n, >=, 6);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (atlas_views_lookup (views[i].id) == &views[i]);
      g_assert_cmpfloat (views[i].zoom, >=, ATLAS_MIN_ZOOM);
      g_assert_cmpfloat (views[i].zoom, <=, ATLAS_MAX_ZOOM);
    }
  for (const char **id = (const char *[]) { "region", "beijing", "tianjin", "xiongan", "tongzhou",
                                           "shijiazhuang", NULL }; *id; id++)
    g_assert_nonnull (atlas_views_lookup (*id));
  g_assert_null (atlas_views_lookup ("atlantis"));

  atlas_region_clamp (&lon, &lat);
  g_assert_cmpfloat (lon, ==, ATLAS_REGION_EAST);
  g_assert_cmpfloat (lat, ==, ATLAS_REGION_SOUTH);
}

/* "Whole region" fits 北京, 天津 and 河北 into any map size at a whole
 * zoom level: the next level would not fit. */
static void
test_region_fit (void)
{
  const double sizes[][2] = { { 600, 900 }, { 1000, 950 }, { 300, 300 }, { 1900, 1000 }, { 520, 740 } };
  double bw = atlas_geo_lon_to_world_x (ATLAS_BTH_EAST) - atlas_geo_lon_to_world_x (ATLAS_BTH_WEST);
  double bh = atlas_geo_lat_to_world_y (ATLAS_BTH_SOUTH) - atlas_geo_lat_to_world_y (ATLAS_BTH_NORTH);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      double z = atlas_region_fit_zoom (sizes[i][0], sizes[i][1]);
      double scale = ATLAS_TILE_SIZE * pow (2, z);

      g_assert_cmpfloat (z, ==, floor (z));
      if (z > ATLAS_MIN_ZOOM)
        {
          g_assert_cmpfloat (bw * scale, <=, sizes[i][0]);
          g_assert_cmpfloat (bh * scale, <=, sizes[i][1]);
        }
      g_assert_true (bw * scale * 2 > sizes[i][0] - 24 || bh * scale * 2 > sizes[i][1] - 24);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/atlas/geo/mercator-known-values", test_mercator_known_values);
  g_test_add_func ("/atlas/geo/mercator-round-trip", test_mercator_round_trip);
  g_test_add_func ("/atlas/geo/tiles", test_tiles);
  g_test_add_func ("/atlas/geo/meters-per-pixel", test_meters_per_pixel);
  g_test_add_func ("/atlas/geo/areas", test_areas);
  g_test_add_func ("/atlas/geo/distance-and-scale", test_distance_and_scale);
  g_test_add_func ("/atlas/geo/point-in-ring", test_point_in_ring);
  g_test_add_func ("/atlas/geo/views", test_views);
  g_test_add_func ("/atlas/geo/region-fit", test_region_fit);

  return g_test_run ();
}
