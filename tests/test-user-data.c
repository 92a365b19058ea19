/* test-user-data.c — users' GIS files (GDAL/OGR), China's offset coordinates, "where does it fall" */

#include <geos_c.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "atlas-test-util.h"
#include "model/atlas-locate.h"
#include "model/atlas-measure.h"
#include "model/atlas-user-data.h"

static char *tmpdir;
static AtlasData *data;

static char *
write_fixture (const char *name,
               const char *contents,
               gssize      length)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

/* ogr2ogr writes the Shapefile and GeoPackage fixtures. */
static char *
ogr2ogr (const char *driver,
         const char *out_name,
         const char *source)
{
  char *out = out_name[0] == '/' ? g_strdup (out_name) : g_build_filename (tmpdir, out_name, NULL);
  const char *argv[] = { "ogr2ogr", "-f", driver, "-lco", "ENCODING=UTF-8", out, source, NULL };
  int status = -1;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (driver, "ESRI Shapefile"))
    memmove (argv + 3, argv + 5, 3 * sizeof (char *));   /* the encoding is a Shapefile option */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                               | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static const char sites_kml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>选址</name>\n"
  "<Placemark><name>香河县城</name><Point><coordinates>117.006,39.763</coordinates></Point></Placemark>\n"
  "<Placemark><name>雄安片区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
  "115.90,38.95 116.10,38.95 116.10,39.10 115.90,39.10 115.90,38.95"
  "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
  "<Placemark><name>一条路</name><LineString><coordinates>116.3,39.9 116.5,39.95</coordinates></LineString></Placemark>\n"
  "</Document></kml>\n";

static AtlasUserData *
load_ok (const char     *path,
         const AtlasCrs *crs)
{
  g_autoptr(GError) error = NULL;
  AtlasUserData *ud = atlas_user_data_load (path, crs, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ud);
  return ud;
}

static AtlasUserFeature *
first_feature (AtlasUserData *ud)
{
  AtlasUserLayer *layer = g_ptr_array_index (ud->layers, 0);

  return g_ptr_array_index (layer->features, 0);
}

static void
feature_lonlat (AtlasUserData    *ud,
                AtlasUserFeature *f,
                double           *lon,
                double           *lat)
{
  GEOSGeomGetX_r (ud->geos_context, f->geos, lon);
  GEOSGeomGetY_r (ud->geos_context, f->geos, lat);
}

/* Known pairs of coordTransform (wandergis), the reference implementation
 * users compare against: WGS84 128.543 E 37.065 N is GCJ-02
 * 128.54820547949757, 37.065651049489816 and BD-09 128.55468192918485,
 * 37.07168344938498. */
static void
test_offset_pairs (void)
{
  double lon, lat, glon, glat;

  atlas_wgs84_to_gcj02 (128.543, 37.065, &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 128.54820547949757, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat, 37.065651049489816, 1e-9);
  atlas_gcj02_to_bd09 (lon, lat, &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 128.55468192918485, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat, 37.07168344938498, 1e-9);

  /* the inverse is iterative: within 1 m of the WGS84 point */
  atlas_gcj02_to_wgs84 (128.54820547949757, 37.065651049489816, &lon, &lat);
  g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 128.543, 37.065), <, 1.0);
  atlas_bd09_to_gcj02 (128.55468192918485, 37.07168344938498, &glon, &glat);
  atlas_gcj02_to_wgs84 (glon, glat, &lon, &lat);
  g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 128.543, 37.065), <, 1.0);

  /* round trips over the region, and no shift outside China */
  for (double x = 113.5; x < 120; x += 0.7)
    for (double y = 36; y < 42.5; y += 0.6)
      {
        atlas_wgs84_to_gcj02 (x, y, &glon, &glat);
        g_assert_cmpfloat (atlas_geo_distance_m (glon, glat, x, y), >, 100);
        atlas_gcj02_to_wgs84 (glon, glat, &lon, &lat);
        g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, x, y), <, 0.01);
      }
  atlas_wgs84_to_gcj02 (2.35, 48.85, &lon, &lat);
  g_assert_cmpfloat (lon, ==, 2.35);
}

static void
test_crs_parse (void)
{
  AtlasCrs crs;
  g_autoptr(GError) error = NULL;

  g_assert_true (atlas_crs_parse ("GCJ02", &crs, NULL) && crs.kind == ATLAS_CRS_GCJ02);
  g_assert_true (atlas_crs_parse ("bd09", &crs, NULL) && crs.kind == ATLAS_CRS_BD09);
  g_assert_true (atlas_crs_parse ("wgs84", &crs, NULL) && crs.kind == ATLAS_CRS_WGS84);
  g_assert_true (atlas_crs_parse ("EPSG:4547", &crs, NULL) && crs.kind == ATLAS_CRS_EPSG);
  g_assert_cmpint (crs.epsg, ==, 4547);
  g_assert_false (atlas_crs_parse ("EPSG:", &crs, &error));
  g_assert_error (error, ATLAS_USER_DATA_ERROR, ATLAS_USER_DATA_ERROR_ARGUMENT);
  g_assert_false (atlas_crs_parse ("mars", &crs, NULL));
}

static const char points_kml[] =
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>pts</name>"
  "<Placemark><name>甲</name><Point><coordinates>117.006,39.763</coordinates></Point></Placemark>"
  "<Placemark><name>乙</name><Point><coordinates>116.0,39.0</coordinates></Point></Placemark>"
  "</Document></kml>";

static void
test_kml_and_formats (void)
{
  g_autofree char *kml = write_fixture ("sites.kml", sites_kml, -1);
  g_autofree char *pts = write_fixture ("pts.kml", points_kml, -1);
  g_autoptr(AtlasUserData) ud = load_ok (kml, NULL);
  AtlasUserLayer *layer = g_ptr_array_index (ud->layers, 0);
  g_autofree char *shp_dir = NULL, *shp = NULL, *zip = NULL, *gpkg = NULL;

  g_assert_cmpuint (ud->layers->len, ==, 1);
  g_assert_cmpstr (layer->name, ==, "选址");
  g_assert_cmpuint (layer->features->len, ==, 3);
  g_assert_cmpstr (((AtlasUserFeature *) layer->features->pdata[0])->name, ==, "香河县城");
  g_assert_cmpint (((AtlasUserFeature *) layer->features->pdata[0])->shape, ==, ATLAS_USER_POINT);
  g_assert_cmpint (((AtlasUserFeature *) layer->features->pdata[1])->shape, ==, ATLAS_USER_POLYGON);
  g_assert_cmpint (((AtlasUserFeature *) layer->features->pdata[2])->shape, ==, ATLAS_USER_LINE);
  g_assert_cmpint (layer->shape, ==, ATLAS_USER_MIXED);

  /* a Shapefile, the same zipped (GDAL writes the zip), a GeoPackage */
  shp_dir = ogr2ogr ("ESRI Shapefile", "pts-shp", pts);
  shp = g_build_filename (shp_dir, "pts.shp", NULL);
  {
    g_autoptr(AtlasUserData) s = load_ok (shp, NULL);

    g_assert_cmpuint (s->n_features, ==, 2);
    g_assert_cmpstr (first_feature (s)->name, ==, "甲");
  }
  zip = g_build_filename (tmpdir, "pts.shp.zip", NULL);
  g_free (ogr2ogr ("ESRI Shapefile", zip, pts));
  {
    g_autoptr(AtlasUserData) z = load_ok (zip, NULL);

    g_assert_cmpuint (z->n_features, ==, 2);
  }
  /* KMZ (written by GDAL's LIBKML driver) and GPX (waypoints and tracks, not their points again) */
  {
    g_autofree char *kmz = ogr2ogr ("LIBKML", "pts.kmz", pts);
    g_autofree char *gpx = write_fixture ("t.gpx",
      "<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\">"
      "<wpt lat=\"39.763\" lon=\"117.006\"><name>航点</name></wpt><trk><name>轨迹</name><trkseg>"
      "<trkpt lat=\"39.9\" lon=\"116.3\"/><trkpt lat=\"39.95\" lon=\"116.5\"/></trkseg></trk></gpx>", -1);
    g_autoptr(AtlasUserData) k = load_ok (kmz, NULL);
    g_autoptr(AtlasUserData) g = load_ok (gpx, NULL);

    g_assert_cmpuint (k->n_features, ==, 2);
    g_assert_cmpuint (g->n_features, ==, 2);
    g_assert_cmpuint (g->layers->len, ==, 2);
    g_assert_cmpstr (first_feature (g)->name, ==, "航点");
  }
  gpkg = ogr2ogr ("GPKG", "sites.gpkg", kml);
  {
    g_autoptr(AtlasUserData) g = load_ok (gpkg, NULL);

    g_assert_cmpuint (g->n_features, ==, 3);
    g_assert_cmpuint (g->layers->len, ==, 1);
  }
}

static void
test_csv_columns (void)
{
  g_autofree char *zh = write_fixture ("zh.csv", "名称,经度,纬度\n香河,117.006,39.763\n雄县,116.1,38.99\n", -1);
  g_autofree char *en = write_fixture ("en.csv", "name,lon,lat\nA,117.006,39.763\n", -1);
  g_autoptr(AtlasUserData) a = load_ok (zh, NULL);
  g_autoptr(AtlasUserData) b = load_ok (en, NULL);
  double lon, lat;

  g_assert_cmpuint (a->n_features, ==, 2);
  g_assert_cmpstr (first_feature (a)->name, ==, "香河");
  feature_lonlat (a, first_feature (a), &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 117.006, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat, 39.763, 1e-9);
  g_assert_cmpuint (b->n_features, ==, 1);
}

/* A declared projected CRS is converted; GCJ-02 and BD-09 on request. */
static void
test_reprojection (void)
{
  g_autofree char *merc = write_fixture ("merc.geojson",
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
    "\"urn:ogc:def:crs:EPSG::3857\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[12956642.5,4851856.5]}}]}", -1);
  g_autofree char *gcj = write_fixture ("gcj.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[128.54820547949757,37.065651049489816]}}]}", -1);
  g_autofree char *bd = write_fixture ("bd.csv", "name,lng,lat\nx,128.55468192918485,37.07168344938498\n", -1);
  AtlasCrs gcj02 = { ATLAS_CRS_GCJ02, 0 }, bd09 = { ATLAS_CRS_BD09, 0 }, epsg = { ATLAS_CRS_EPSG, 3857 };
  g_autofree char *plain = write_fixture ("plain.csv", "name,x,y\np,12956642.5,4851856.5\n", -1);
  double lon, lat;

  {
    g_autoptr(AtlasUserData) ud = load_ok (merc, NULL);
    feature_lonlat (ud, first_feature (ud), &lon, &lat);
    g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 116.3915, 39.9030), <, 1.0);
  }
  {
    g_autoptr(AtlasUserData) ud = load_ok (plain, &epsg);
    feature_lonlat (ud, first_feature (ud), &lon, &lat);
    g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 116.3915, 39.9030), <, 1.0);
  }
  {
    g_autoptr(AtlasUserData) ud = load_ok (gcj, &gcj02);
    feature_lonlat (ud, first_feature (ud), &lon, &lat);
    g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 128.543, 37.065), <, 1.0);
  }
  {
    g_autoptr(AtlasUserData) ud = load_ok (bd, &bd09);
    feature_lonlat (ud, first_feature (ud), &lon, &lat);
    g_assert_cmpfloat (atlas_geo_distance_m (lon, lat, 128.543, 37.065), <, 1.0);
  }
}

static void
test_invalid_polygon_repaired (void)
{
  /* a bow tie: self-intersecting */
  g_autofree char *path = write_fixture ("bowtie.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"bt\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116,39],[116.2,39.2],[116.2,39],[116,39.2],[116,39]]]}}]}",
    -1);
  g_autoptr(AtlasUserData) ud = load_ok (path, NULL);
  AtlasUserFeature *f = first_feature (ud);
  double area;

  g_assert_cmpuint (ud->n_repaired, ==, 1);
  g_assert_true (GEOSisValid_r (ud->geos_context, f->geos));
  GEOSArea_r (ud->geos_context, f->geos, &area);
  g_assert_cmpfloat_with_epsilon (area, 0.02, 1e-9);
}

static void
assert_load_error (const char     *path,
                   const AtlasCrs *crs,
                   int             code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  AtlasUserData *ud = atlas_user_data_load (path, crs, NULL, NULL, NULL, &error);

  g_assert_null (ud);
  g_assert_error (error, ATLAS_USER_DATA_ERROR, code);
  /* one line that names the file */
  g_assert_true (g_str_has_prefix (error->message, base));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_broken_files (void)
{
  g_autofree char *empty = write_fixture ("empty.geojson", "", 0);
  g_autofree char *trunc = write_fixture ("trunc.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.4,39", -1);
  g_autofree char *latin1 = write_fixture ("latin1.csv", "name,lon,lat\nCaf\xe9,116.4,39.9\n", -1);
  g_autofree char *metres = write_fixture ("metres.csv", "name,x,y\np,12956642.5,4851856.5\n", -1);
  g_autofree char *nothing = write_fixture ("nothing.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}", -1);
  g_autofree char *kml = write_fixture ("for-shp.kml", points_kml, -1);
  g_autofree char *shp_dir = NULL;
  g_autofree char *shp = NULL, *dbf = NULL, *missing = NULL;
  g_autofree char *before = NULL, *after = NULL;
  AtlasCrs bad_epsg = { ATLAS_CRS_EPSG, 999999 };

  g_file_get_contents (trunc, &before, NULL, NULL);
  assert_load_error (empty, NULL, ATLAS_USER_DATA_ERROR_OPEN);
  assert_load_error (trunc, NULL, ATLAS_USER_DATA_ERROR_OPEN);
  assert_load_error (latin1, NULL, ATLAS_USER_DATA_ERROR_ENCODING);
  assert_load_error (metres, NULL, ATLAS_USER_DATA_ERROR_CRS);
  assert_load_error (metres, &bad_epsg, ATLAS_USER_DATA_ERROR_CRS);
  assert_load_error (nothing, NULL, ATLAS_USER_DATA_ERROR_EMPTY);
  missing = g_build_filename (tmpdir, "missing.kml", NULL);
  assert_load_error (missing, NULL, ATLAS_USER_DATA_ERROR_OPEN);
  /* nothing is written to the user's file */
  g_file_get_contents (trunc, &after, NULL, NULL);
  g_assert_cmpstr (before, ==, after);

  shp_dir = ogr2ogr ("ESRI Shapefile", "nodbf", kml);
  shp = g_build_filename (shp_dir, "pts.shp", NULL);
  dbf = g_build_filename (shp_dir, "pts.dbf", NULL);
  g_assert_true (g_file_test (shp, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (dbf), ==, 0);
  assert_load_error (shp, NULL, ATLAS_USER_DATA_ERROR_READ);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AtlasUserData **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = atlas_user_data_load_finish (result, &error);
  if (*out == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      *out = GINT_TO_POINTER (1);
    }
}

static void
test_async_progress_cancel (void)
{
  g_autoptr(GString) csv = g_string_new ("name,lon,lat\n");
  g_autofree char *path = NULL;
  AtlasUserData *ud = NULL;
  double last = 0;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (csv, "p%u,%.4f,%.4f\n", i, 115 + (i % 300) * 0.01, 38 + (i / 300) * 0.01);
  path = write_fixture ("many.csv", csv->str, csv->len);

  atlas_user_data_load_async (path, NULL, NULL, progress_cb, &last, loaded_cb, &ud);
  while (ud == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ud->n_features, ==, 20000);
  g_assert_cmpfloat (last, ==, 1.0);
  atlas_user_data_free (ud);

  ud = NULL;
  g_cancellable_cancel (cancel);
  atlas_user_data_load_async (path, NULL, cancel, NULL, NULL, loaded_cb, &ud);
  while (ud == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (ud == GINT_TO_POINTER (1));
}

static gboolean
has_zone (AtlasLocateEntry *e,
          const char       *id,
          double           *share)
{
  for (guint i = 0; i < e->zones->len; i++)
    {
      AtlasLocateZone *z = &g_array_index (e->zones, AtlasLocateZone, i);

      if (g_str_equal (z->feature->id, id))
        {
          if (share != NULL)
            *share = z->share;
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_locate (void)
{
  g_autofree char *kml = write_fixture ("locate.kml", sites_kml, -1);
  g_autoptr(AtlasUserData) ud = load_ok (kml, NULL);
  g_autoptr(AtlasLocator) locator = atlas_locator_new (data, ATLAS_LOCATE_DISTANCE_KM);
  g_autoptr(GPtrArray) entries = atlas_locator_locate_all (locator, ud);
  AtlasLocateEntry *xianghe = entries->pdata[0], *xiongan = entries->pdata[1], *road = entries->pdata[2];
  g_autofree char *text = NULL, *json = NULL, *csv = NULL;
  double share = 0;
  gboolean cites_412 = FALSE;

  g_assert_cmpuint (entries->len, ==, 3);
  /* a point in 香河县 */
  g_assert_nonnull (xianghe->county);
  g_assert_cmpstr (xianghe->county->name_zh, ==, "香河县");
  g_assert_true (has_zone (xianghe, "commuting_circle", NULL));
  g_assert_true (has_zone (xianghe, "functional_circle", NULL));
  g_assert_true (has_zone (xianghe, "industrial_circle", NULL));
  g_assert_true (has_zone (xianghe, "xb_tongzhou_beisan", NULL));
  g_assert_false (has_zone (xianghe, "xiongan_new_area", NULL));
  for (guint i = 0; i < xianghe->sections->len; i++)
    cites_412 |= g_str_equal (((AtlasSection *) xianghe->sections->pdata[i])->id, "4.1.2");
  g_assert_true (cites_412);
  /* nearby plan lines within 10 km, nearest first, distances in range */
  g_assert_cmpuint (xianghe->near->len, >, 0);
  for (guint i = 0; i < xianghe->near->len; i++)
    {
      AtlasLocateNear *n = &g_array_index (xianghe->near, AtlasLocateNear, i);

      g_assert_cmpfloat (n->km, <=, ATLAS_LOCATE_DISTANCE_KM);
      if (i > 0)
        g_assert_cmpfloat (n->km, >=, g_array_index (xianghe->near, AtlasLocateNear, i - 1).km);
    }

  /* a polygon in 雄安: almost all of it inside 雄安新区, part in the 起步区 */
  g_assert_true (has_zone (xiongan, "xiongan_new_area", &share));
  g_assert_cmpfloat (share, >, 0.95);
  g_assert_cmpfloat (share, <=, 1.0);
  g_assert_true (has_zone (xiongan, "xiongan_qibu_zone", &share));
  g_assert_cmpfloat (share, >, 0.2);
  g_assert_cmpfloat (share, <, 0.8);
  g_assert_false (has_zone (xiongan, "commuting_circle", &share) && share > 0.05);

  /* a line across Beijing */
  g_assert_true (has_zone (road, "commuting_circle", &share));
  g_assert_cmpfloat (share, ==, 1.0);
  g_assert_cmpstr (road->county->province_zh, ==, "北京市");

  text = atlas_locate_report_text (entries, ATLAS_LOCATE_DISTANCE_KM);
  g_assert_nonnull (strstr (text, "香河县（廊坊市 · 河北省）"));
  g_assert_nonnull (strstr (text, "河北雄安新区 ("));
  json = atlas_locate_report_json (entries, ATLAS_LOCATE_DISTANCE_KM);
  g_assert_nonnull (strstr (json, "\"xb_tongzhou_beisan\""));
  csv = atlas_locate_report_csv (entries);
  g_assert_true (g_str_has_prefix (csv, "name,layer,kind,lon,lat,county"));
  g_assert_nonnull (strstr (csv, "\r\n香河县城,选址,point,117.006000,39.763000,香河县,廊坊市,河北省,"));
}

/* Vincenty's own test line (Flinders Peak → Buninyong, 54,972.271 m) and a
 * 0.1° cell's area. */
static void
test_measure (void)
{
  double path[] = { 116.0, 39.0, 116.1, 39.0, 116.1, 39.1 };
  double cell[] = { 116.0, 39.0, 116.1, 39.0, 116.1, 39.1, 116.0, 39.1 };
  double d = atlas_measure_geodesic_m (144.0 + 25 / 60.0 + 29.52440 / 3600, -(37.0 + 57 / 60.0 + 3.72030 / 3600),
                                       143.0 + 55 / 60.0 + 35.38390 / 3600, -(37.0 + 39 / 60.0 + 10.15610 / 3600));
  g_autofree char *text = NULL;
  double len, area;

  g_assert_cmpfloat_with_epsilon (d, 54972.271, 0.01);
  g_assert_cmpfloat (atlas_measure_geodesic_m (116, 39, 116, 39), ==, 0);
  len = atlas_measure_path_m (path, 3);
  /* 0.1° of longitude at 39° N ≈ 8.66 km, 0.1° of latitude ≈ 11.10 km */
  g_assert_cmpfloat_with_epsilon (len, 8656 + 11103, 30);
  area = atlas_measure_area_m2 (cell, 4);
  g_assert_cmpfloat_with_epsilon (area / 1e6, 8.66 * 11.10, 0.3);
  text = atlas_measure_format (len, area);
  g_assert_true (g_str_has_prefix (text, "19.8 km · "));
  g_assert_nonnull (strstr (text, "km²"));
}

/* Marks are saved as GeoJSON and read back by the ordinary reader. */
static void
test_marks_round_trip (void)
{
  g_autoptr(GArray) marks = atlas_marks_new ();
  g_autofree char *path = g_build_filename (tmpdir, "marks.geojson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasUserData) ud = NULL;
  AtlasUserLayer *layer;
  double lon, lat;

  atlas_marks_add (marks, "会场", 116.3975, 39.9087);
  atlas_marks_add (marks, "Site \"B\"", 117.2, 39.1);
  g_assert_true (atlas_marks_save (marks, path, &error));
  g_assert_no_error (error);
  ud = load_ok (path, NULL);
  layer = g_ptr_array_index (ud->layers, 0);
  g_assert_cmpuint (layer->features->len, ==, 2);
  g_assert_cmpstr (((AtlasUserFeature *) layer->features->pdata[0])->name, ==, "会场");
  g_assert_cmpstr (((AtlasUserFeature *) layer->features->pdata[1])->name, ==, "Site \"B\"");
  feature_lonlat (ud, first_feature (ud), &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 116.3975, 1e-7);
  g_assert_cmpfloat_with_epsilon (lat, 39.9087, 1e-7);
}

static void
count_cb (const AtlasUserFeature *f,
          guint                   index,
          gpointer                user_data)
{
  guint8 *seen = user_data;

  g_assert_cmpuint (seen[index], ==, 0);   /* once each */
  seen[index] = 1;
}

/* The layer's grid finds exactly the features whose box meets a rectangle,
 * each once: points, polygons over several cells, one over them all. Names
 * default to the feature's number; values and name share one block. */
static void
test_grid_index (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-user-grid-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mixed.csv", NULL);
  g_autoptr(GString) text = g_string_new ("name,WKT\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(AtlasUserData) ud = NULL;
  g_autofree guint8 *seen = NULL;
  AtlasUserLayer *layer;

  for (guint i = 0; i < 5000; i++)
    {
      double x = 115 + g_rand_double (rand) * 3, y = 38 + g_rand_double (rand) * 3, d = g_rand_double (rand) * 0.3;

      if (i % 10 == 0)
        g_string_append_printf (text, "p%u,\"POLYGON ((%f %f, %f %f, %f %f, %f %f, %f %f))\"\n", i,
                                x, y, x + d, y, x + d, y + d, x, y + d, x, y);
      else
        g_string_append_printf (text, "%s,\"POINT (%f %f)\"\n", i % 3 ? "" : "named", x, y);
    }
  g_string_append (text, "all,\"POLYGON ((114 37, 119 37, 119 42, 114 42, 114 37))\"\n");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  ud = atlas_user_data_load (path, NULL, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ud);
  layer = g_ptr_array_index (ud->layers, 0);
  g_assert_cmpuint (layer->features->len, ==, 5001);
  g_assert_cmpuint (layer->grid_n, >, 1);
  g_assert_cmpuint (layer->large->len, >=, 1);
  g_assert_cmpstr (((AtlasUserFeature *) g_ptr_array_index (layer->features, 1))->name, ==, "#2");
  g_assert_cmpstr (((AtlasUserFeature *) g_ptr_array_index (layer->features, 3))->name, ==, "named");
  g_assert_cmpstr (((AtlasUserFeature *) g_ptr_array_index (layer->features, 3))->values[0], ==, "named");

  seen = g_new0 (guint8, layer->features->len);
  for (guint q = 0; q < 50; q++)
    {
      double x = layer->bbox.x0 + g_rand_double (rand) * (layer->bbox.x1 - layer->bbox.x0);
      double y = layer->bbox.y0 + g_rand_double (rand) * (layer->bbox.y1 - layer->bbox.y0);
      double w = g_rand_double (rand) * (layer->bbox.x1 - layer->bbox.x0) / (q % 5 == 0 ? 1 : 20);
      AtlasRect r = { x, y, x + w, y + w * 0.7 };

      memset (seen, 0, layer->features->len);
      atlas_user_layer_foreach_in (layer, &r, count_cb, seen);
      for (guint i = 0; i < layer->features->len; i++)
        {
          AtlasUserFeature *f = g_ptr_array_index (layer->features, i);

          g_assert_cmpint (seen[i], ==, atlas_rect_intersects (&f->bbox, &r));
        }
    }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("atlas-user-data-XXXXXX", NULL);
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/user-data/offset-pairs", test_offset_pairs);
  g_test_add_func ("/atlas/user-data/crs-parse", test_crs_parse);
  g_test_add_func ("/atlas/user-data/kml-shp-gpkg", test_kml_and_formats);
  g_test_add_func ("/atlas/user-data/csv-columns", test_csv_columns);
  g_test_add_func ("/atlas/user-data/reprojection", test_reprojection);
  g_test_add_func ("/atlas/user-data/invalid-polygon", test_invalid_polygon_repaired);
  g_test_add_func ("/atlas/user-data/broken-files", test_broken_files);
  g_test_add_func ("/atlas/user-data/async", test_async_progress_cancel);
  g_test_add_func ("/atlas/user-data/grid-index", test_grid_index);
  g_test_add_func ("/atlas/locate/report", test_locate);
  g_test_add_func ("/atlas/measure/geodesic", test_measure);
  g_test_add_func ("/atlas/measure/marks", test_marks_round_trip);
  status = g_test_run ();

  atlas_data_unref (data);
  {
    const char *argv_rm[] = { "rm", "-rf", tmpdir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);
  return status;
}
