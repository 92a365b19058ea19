/* test-render.c — base-map tiles checked by their pixels */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "render/atlas-basemap-renderer.h"
#include "render/atlas-paint.h"
#include "atlas-resources.h"

static AtlasBasemapRenderer *renderer;

typedef struct
{
  int r, g, b;
} Rgb;

static const Rgb sea = { 200, 217, 228 };
static const Rgb focus_land = { 250, 247, 241 };
static const Rgb context_land = { 236, 234, 229 };
static const Rgb province_line = { 139, 124, 144 };

static Rgb
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 v = *(const guint32 *) (data + y * stride + 4 * x);

  return (Rgb) { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
}

static int
colour_distance (Rgb a,
                 Rgb b)
{
  return MAX (MAX (abs (a.r - b.r), abs (a.g - b.g)), abs (a.b - b.b));
}

/* Renders the tile holding (lon, lat) at @zoom and returns the pixel
 * coordinates of the point in it. */
static cairo_surface_t *
render_at (double lon,
           double lat,
           guint  zoom,
           int    scale,
           int   *px,
           int   *py)
{
  guint tx, ty;
  double n = ATLAS_TILE_SIZE * pow (2, zoom);

  atlas_geo_lonlat_to_tile (lon, lat, zoom, &tx, &ty);
  *px = (int) ((atlas_geo_lon_to_world_x (lon) * n - tx * ATLAS_TILE_SIZE) * scale);
  *py = (int) ((atlas_geo_lat_to_world_y (lat) * n - ty * ATLAS_TILE_SIZE) * scale);
  return atlas_basemap_renderer_render_tile (renderer, zoom, tx, ty, scale);
}

static void
assert_colour_at (double lon,
                  double lat,
                  guint  zoom,
                  Rgb    expected,
                  int    tolerance)
{
  int x, y;
  cairo_surface_t *surface = render_at (lon, lat, zoom, 1, &x, &y);
  Rgb got = pixel_at (surface, x, y);

  if (colour_distance (got, expected) > tolerance)
    g_error ("at %.3f,%.3f zoom %u: got #%02x%02x%02x, expected #%02x%02x%02x", lon, lat, zoom,
             got.r, got.g, got.b, expected.r, expected.g, expected.b);
  cairo_surface_destroy (surface);
}

static void
test_sea_and_land (void)
{
  /* the middle of the Bohai */
  assert_colour_at (120.2, 39.2, 7, sea, 3);
  assert_colour_at (119.6, 38.6, 9, sea, 3);
  /* Beijing's plain, away from labels and lines */
  assert_colour_at (116.65, 39.70, 7, focus_land, 3);
  /* Hebei, south of Shijiazhuang */
  assert_colour_at (115.2, 37.35, 8, focus_land, 3);
  /* Inner Mongolia: context province */
  assert_colour_at (112.8, 42.9, 7, context_land, 3);
}

/* Walks a row of pixels across the Beijing–Hebei border between 怀来 and
 * 延庆 and expects the province border's line colour somewhere on it. */
static void
test_province_border (void)
{
  const guint zoom = 9;
  double lat = 40.40;
  double n = ATLAS_TILE_SIZE * pow (2, zoom);
  int best = 255;

  for (double lon = 115.60; lon <= 115.90; lon += 0.3 / 64)
    {
      int x, y;
      cairo_surface_t *surface = render_at (lon, lat, zoom, 1, &x, &y);

      best = MIN (best, colour_distance (pixel_at (surface, x, y), province_line));
      cairo_surface_destroy (surface);
    }
  (void) n;
  g_test_message ("closest to the border colour: %d", best);
  g_assert_cmpint (best, <=, 30);
}

/* Dark glyph pixels around the province label "北京市" at zoom 7. */
static void
test_label_glyphs (void)
{
  guint n_labels;
  const AtlasLabel *labels = atlas_basemap_get_labels (atlas_basemap_renderer_get_basemap (renderer),
                                                       &n_labels);
  const AtlasLabel *beijing = NULL;
  guint dark = 0;
  int x, y;
  cairo_surface_t *surface;

  for (guint i = 0; i < n_labels; i++)
    if (labels[i].kind == ATLAS_LABEL_PROVINCE && g_str_equal (labels[i].name_zh, "北京市"))
      beijing = &labels[i];
  g_assert_nonnull (beijing);

  surface = render_at (beijing->lon, beijing->lat, 7, 1, &x, &y);
  for (int dy = -12; dy <= 12; dy++)
    for (int dx = -30; dx <= 30; dx++)
      {
        int sx = CLAMP (x + dx, 0, 255), sy = CLAMP (y + dy, 0, 255);
        Rgb p = pixel_at (surface, sx, sy);

        dark += (p.r + p.g + p.b) / 3 < 110;
      }
  cairo_surface_destroy (surface);

  g_test_message ("dark pixels around the label: %u", dark);
  g_assert_cmpuint (dark, >, 40);
}

/* Four tiles side by side must equal one drawing of the same area: no
 * label is cut or placed differently at a tile edge. */
static void
test_tiles_seamless (void)
{
  const guint zoom = 9;
  guint tx, ty;
  cairo_surface_t *whole, *tile;
  cairo_t *cr;
  AtlasViewport vp;
  guint differing = 0;

  atlas_geo_lonlat_to_tile (116.4, 39.9, zoom, &tx, &ty);
  atlas_viewport_for_tile (&vp, zoom, tx, ty);
  vp.width = vp.height = 2 * ATLAS_TILE_SIZE;
  whole = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 512, 512);
  cr = cairo_create (whole);
  atlas_basemap_renderer_draw (renderer, cr, &vp);
  cairo_destroy (cr);
  cairo_surface_flush (whole);

  for (guint j = 0; j < 2; j++)
    for (guint i = 0; i < 2; i++)
      {
        tile = atlas_basemap_renderer_render_tile (renderer, zoom, tx + i, ty + j, 1);
        for (int y = 0; y < 256; y++)
          for (int x = 0; x < 256; x++)
            differing += colour_distance (pixel_at (tile, x, y),
                                          pixel_at (whole, x + 256 * i, y + 256 * j)) > 40;
        cairo_surface_destroy (tile);
      }
  cairo_surface_destroy (whole);

  g_test_message ("pixels differing between tiles and one drawing: %u of 262144", differing);
  g_assert_cmpuint (differing, <, 262144 / 1000);
}

static void
test_hidpi (void)
{
  int x1, y1, x2, y2;
  cairo_surface_t *s1 = render_at (116.65, 39.70, 7, 1, &x1, &y1);
  cairo_surface_t *s2 = render_at (116.65, 39.70, 7, 2, &x2, &y2);

  g_assert_cmpint (cairo_image_surface_get_width (s2), ==, 512);
  g_assert_cmpint (cairo_image_surface_get_height (s2), ==, 512);
  g_assert_cmpint (colour_distance (pixel_at (s1, x1, y1), pixel_at (s2, x2, y2)), <=, 3);
  cairo_surface_destroy (s1);
  cairo_surface_destroy (s2);
}

/* Draws a 512-pixel sheet centred on (lon, lat) at @zoom. */
static cairo_surface_t *
render_sheet (AtlasBasemapRenderer *r,
              double                lon,
              double                lat,
              double                zoom)
{
  double n = ATLAS_TILE_SIZE * pow (2, zoom);
  AtlasViewport vp = { 0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 512, 512);
  cairo_t *cr = cairo_create (surface);

  vp.zoom = zoom;
  vp.width = vp.height = 512;
  vp.origin_x = atlas_geo_lon_to_world_x (lon) - 256 / n;
  vp.origin_y = atlas_geo_lat_to_world_y (lat) - 256 / n;
  atlas_basemap_renderer_draw (r, cr, &vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A copy of maps/basemap without @left_out, loaded. */
static AtlasBasemap *
load_without (const char *left_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atlas-render-XXXXXX", &error);
  g_autoptr(GDir) source = g_dir_open (ATLAS_SOURCE_BASEMAP_DIR, 0, &error);
  g_autoptr(GFile) file = NULL;
  AtlasBasemap *basemap;
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (source)) != NULL)
    if (!g_str_equal (name, left_out))
      {
        g_autofree char *from = g_build_filename (ATLAS_SOURCE_BASEMAP_DIR, name, NULL);
        g_autofree char *to = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        gsize length;

        g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
        g_assert_true (g_file_set_contents (to, contents, length, NULL));
      }

  file = g_file_new_for_path (dir);
  basemap = atlas_basemap_new_from_directory (file, &error);
  g_assert_no_error (error);
  /* the rest loads; the missing file is named */
  g_assert_cmpuint (atlas_basemap_get_problems (basemap)->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (atlas_basemap_get_problems (basemap), 0), left_out));

  g_dir_rewind (source);
  while ((name = g_dir_read_name (source)) != NULL)
    {
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_unlink (to);
    }
  g_rmdir (dir);
  return basemap;
}

/* How the relief changes a sheet: the share of pixels it changes by more
 * than 6 levels, and the standard deviation of the luminance change. */
static void
relief_effect (AtlasBasemapRenderer *flat,
               double                lon,
               double                lat,
               double                zoom,
               double               *shaded,
               double               *stddev)
{
  cairo_surface_t *a = render_sheet (renderer, lon, lat, zoom);
  cairo_surface_t *b = render_sheet (flat, lon, lat, zoom);
  double sum = 0, sum2 = 0;
  guint n_shaded = 0, n = 512 * 512;

  for (int y = 0; y < 512; y++)
    for (int x = 0; x < 512; x++)
      {
        Rgb p = pixel_at (a, x, y), q = pixel_at (b, x, y);
        double d = 0.299 * (p.r - q.r) + 0.587 * (p.g - q.g) + 0.114 * (p.b - q.b);

        n_shaded += colour_distance (p, q) > 6;
        sum += d;
        sum2 += d * d;
      }
  *shaded = (double) n_shaded / n;
  *stddev = sqrt (MAX (0, sum2 / n - (sum / n) * (sum / n)));

  if (g_getenv ("ATLAS_TEST_SHEETS") != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/sheet-%.2f-%.2f-%g.png", g_getenv ("ATLAS_TEST_SHEETS"),
                                               lon, lat, zoom);
      cairo_surface_write_to_png (a, path);
    }
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* The relief: a sheet of the 燕山 at zoom 8 is visibly shaded, one of the
 * plain between 衡水 and 沧州 is not; by zoom 11 the shading is gone. A
 * base map without relief.bin still draws. */
static void
test_relief (void)
{
  g_autoptr(AtlasBasemap) no_relief = load_without ("relief.bin");
  g_autoptr(AtlasBasemapRenderer) flat = atlas_basemap_renderer_new (no_relief);
  double shaded_mountain, sd_mountain, shaded_plain, sd_plain, shaded_11, sd_11;

  g_assert_null (atlas_basemap_get_relief (no_relief));
  relief_effect (flat, 117.75, 40.55, 8, &shaded_mountain, &sd_mountain);
  relief_effect (flat, 116.30, 38.20, 8, &shaded_plain, &sd_plain);
  relief_effect (flat, 117.75, 40.55, 11, &shaded_11, &sd_11);

  g_test_message ("relief at zoom 8: mountain sheet %.0f %% of pixels shaded, spread %.1f; "
                  "plain %.0f %%, %.1f; mountain at zoom 11: %.0f %%, %.1f",
                  100 * shaded_mountain, sd_mountain, 100 * shaded_plain, sd_plain,
                  100 * shaded_11, sd_11);
  g_assert_cmpfloat (shaded_mountain, >, 0.3);
  g_assert_cmpfloat (sd_mountain, >, 6);
  g_assert_cmpfloat (shaded_plain, <, 0.08);
  g_assert_cmpfloat (sd_plain, <, sd_mountain / 2.5);
  g_assert_cmpfloat (shaded_11, ==, 0);
}

/* Share of the sampled railway points (midpoints of the railway lines of
 * band 2, made from railways.geojson) with the railway's dark line colour
 * within 5 pixels in a zoom-10 tile drawn by @r. */
static double
railway_hits (AtlasBasemapRenderer *r,
              const AtlasGeomLayer *railways)
{
  static const Rgb rail = { 69, 66, 74 };
  guint n = 0, hits = 0;

  for (guint i = 0; i < railways->n_features; i += 9)
    {
      const AtlasPart *part = &railways->parts[railways->features[i].first_part];
      const AtlasPoint *a = &railways->points[part->first_point + part->n_points / 2 - 1];
      const AtlasPoint *b = a + 1;
      double lon = atlas_geo_world_x_to_lon ((a->x + b->x) / 2);
      double lat = atlas_geo_world_y_to_lat ((a->y + b->y) / 2);
      double zn = ATLAS_TILE_SIZE * pow (2, 10);
      guint tx, ty;
      int x, y;
      gboolean found = FALSE;
      cairo_surface_t *tile;

      if (lon < 113.5 || lon > 119.8 || lat < 36.1 || lat > 42.6)
        continue;
      atlas_geo_lonlat_to_tile (lon, lat, 10, &tx, &ty);
      x = (int) (atlas_geo_lon_to_world_x (lon) * zn - tx * ATLAS_TILE_SIZE);
      y = (int) (atlas_geo_lat_to_world_y (lat) * zn - ty * ATLAS_TILE_SIZE);
      tile = atlas_basemap_renderer_render_tile (r, 10, tx, ty, 1);
      /* a window longer than a white dash: the dark gaps show */
      for (int dy = -5; dy <= 5 && !found; dy++)
        for (int dx = -5; dx <= 5 && !found; dx++)
          found = colour_distance (pixel_at (tile, CLAMP (x + dx, 0, 255), CLAMP (y + dy, 0, 255)),
                                   rail) <= 25;
      cairo_surface_destroy (tile);
      n++;
      hits += found;
    }
  g_assert_cmpuint (n, >=, 20);
  return (double) hits / n;
}

/* Railway pixels where the railways run, none without the railway file. */
static void
test_railways (void)
{
  AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (renderer);
  const AtlasGeomLayer *railways = atlas_basemap_get_layer (basemap, ATLAS_LAYER_RAILWAYS, 2);
  g_autoptr(AtlasBasemap) no_railways = load_without ("railways.2.bin");
  g_autoptr(AtlasBasemapRenderer) without = atlas_basemap_renderer_new (no_railways);
  double with_share, without_share;

  g_assert_cmpuint (railways->n_features, >, 300);
  g_assert_cmpuint (atlas_basemap_get_layer (no_railways, ATLAS_LAYER_RAILWAYS, 3)->n_features, ==, 0);
  g_assert_cmpuint (atlas_basemap_get_layer (no_railways, ATLAS_LAYER_COUNTIES, 2)->n_features, ==, 200);
  with_share = railway_hits (renderer, railways);
  without_share = railway_hits (without, railways);
  g_test_message ("railway colour at %.0f %% of the railway points (%.0f %% without railways)",
                  100 * with_share, 100 * without_share);
  g_assert_cmpfloat (with_share, >=, 0.9);
  /* station symbols, drawn in a similar dark, sit on some of them */
  g_assert_cmpfloat (without_share, <=, 0.25);
}

/* A zoom-12 sheet of central Beijing labels stations with their names from
 * the data; none at zoom 10 (symbols only). */
static void
test_station_labels (void)
{
  AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (renderer);
  AtlasRect centre = { atlas_geo_lon_to_world_x (116.25), atlas_geo_lat_to_world_y (40.0),
                       atlas_geo_lon_to_world_x (116.55), atlas_geo_lat_to_world_y (39.8) };
  guint n_labels, n_stations, n_placed = 0;
  const AtlasLabel *labels = atlas_basemap_get_labels (basemap, &n_labels);
  g_autoptr(GArray) z12 = atlas_labels_place (labels, n_labels, 12, &centre);
  g_autoptr(GArray) z10 = atlas_labels_place (labels, n_labels, 10, &centre);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);
  const AtlasStation *stations = atlas_basemap_get_stations (basemap, &n_stations);

  g_assert_cmpuint (n_stations, >, 300);
  for (guint i = 0; i < n_stations; i++)
    g_hash_table_add (names, stations[i].name_zh);

  for (guint i = 0; i < z12->len; i++)
    {
      const AtlasPlacedLabel *p = &g_array_index (z12, AtlasPlacedLabel, i);

      if (p->label->kind != ATLAS_LABEL_STATION)
        continue;
      g_assert_true (g_hash_table_contains (names, p->label->name_zh));
      g_hash_table_add (placed, p->label->name_zh);
      n_placed++;
    }
  g_test_message ("%u station labels on central Beijing at zoom 12", n_placed);
  g_assert_cmpuint (n_placed, >=, 5);
  g_assert_true (g_hash_table_contains (placed, "北京南"));
  g_assert_true (g_hash_table_contains (placed, "北京北"));

  for (guint i = 0; i < z10->len; i++)
    g_assert_cmpint (g_array_index (z10, AtlasPlacedLabel, i).label->kind, !=, ATLAS_LABEL_STATION);
}

static void
test_empty_basemap_is_sea (void)
{
  g_autoptr(AtlasBasemap) empty = atlas_basemap_new_empty ();
  g_autoptr(AtlasBasemapRenderer) r = atlas_basemap_renderer_new (empty);
  cairo_surface_t *s = atlas_basemap_renderer_render_tile (r, 8, 210, 96, 1);

  g_assert_cmpint (colour_distance (pixel_at (s, 10, 10), sea), <=, 3);
  g_assert_cmpint (colour_distance (pixel_at (s, 200, 130), sea), <=, 3);
  cairo_surface_destroy (s);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasBasemap) basemap = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  atlas_register_resource ();
  basemap = atlas_basemap_new_from_resource ("/io/github/capitalatlas/CapitalAtlas/maps/basemap",
                                             &error);
  g_assert_no_error (error);
  renderer = atlas_basemap_renderer_new (basemap);

  g_test_add_func ("/atlas/render/sea-and-land", test_sea_and_land);
  g_test_add_func ("/atlas/render/province-border", test_province_border);
  g_test_add_func ("/atlas/render/label-glyphs", test_label_glyphs);
  g_test_add_func ("/atlas/render/tiles-seamless", test_tiles_seamless);
  g_test_add_func ("/atlas/render/hidpi", test_hidpi);
  g_test_add_func ("/atlas/render/empty-basemap-is-sea", test_empty_basemap_is_sea);
  g_test_add_func ("/atlas/render/relief", test_relief);
  g_test_add_func ("/atlas/render/railways", test_railways);
  g_test_add_func ("/atlas/render/station-labels", test_station_labels);

  status = g_test_run ();
  atlas_basemap_renderer_unref (renderer);
  return status;
}
