/* test-render.c — base-map tiles checked by their pixels */

#include <math.h>

#include "render/atlas-basemap-renderer.h"
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

  status = g_test_run ();
  atlas_basemap_renderer_unref (renderer);
  return status;
}
