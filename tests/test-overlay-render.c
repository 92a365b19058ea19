/* test-overlay-render.c — overlay tiles checked by their pixels */

#include <math.h>
#include <string.h>

#include "model/atlas-data.h"
#include "render/atlas-overlay-renderer.h"
#include "atlas-resources.h"
#include "atlas-test-util.h"

/* Loaded once (about 2 s) and shared by every test. */
static AtlasData *data;

static const double langfang_lon = 116.70, langfang_lat = 39.52;
static const double shijiazhuang_lon = 114.51, shijiazhuang_lat = 38.04;

typedef struct
{
  int a, r, g, b;   /* not premultiplied */
} Argb;

static Argb
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *bytes = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  guint32 v;
  int a;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, w);
  g_assert_cmpint (y, <, h);
  v = *(const guint32 *) (bytes + y * stride + 4 * x);
  a = (v >> 24) & 0xff;
  if (a == 0)
    return (Argb) { 0, 0, 0, 0 };
  /* CAIRO_FORMAT_ARGB32 is premultiplied */
  return (Argb) { a, (int) ((((v >> 16) & 0xff) * 255 + a / 2) / a),
                  (int) ((((v >> 8) & 0xff) * 255 + a / 2) / a), (int) (((v & 0xff) * 255 + a / 2) / a) };
}

static int
colour_distance (Argb a,
                 Argb b)
{
  return MAX (MAX (abs (a.r - b.r), abs (a.g - b.g)), abs (a.b - b.b));
}

static int
argb_distance (Argb a,
               Argb b)
{
  return MAX (abs (a.a - b.a), colour_distance (a, b));
}

static gboolean
same_argb (Argb a,
           Argb b)
{
  return a.a == b.a && a.r == b.r && a.g == b.g && a.b == b.b;
}

/* The most frequent pixel of the 5 × 5 around (x, y): a stray label or line
 * does not change it. */
static Argb
majority_at (cairo_surface_t *surface,
             int              x,
             int              y)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  Argb px[25];
  guint n = 0, best = 0, best_count = 0;

  for (int dy = -2; dy <= 2; dy++)
    for (int dx = -2; dx <= 2; dx++)
      px[n++] = pixel_at (surface, CLAMP (x + dx, 0, w - 1), CLAMP (y + dy, 0, h - 1));
  for (guint i = 0; i < n; i++)
    {
      guint count = 0;

      for (guint j = 0; j < n; j++)
        count += same_argb (px[i], px[j]);
      if (count > best_count)
        {
          best = i;
          best_count = count;
        }
    }
  return px[best];
}

static Argb
colour_to_argb (const AtlasColor *c)
{
  return (Argb) { (int) round (c->a * 255), (int) round (c->r * 255), (int) round (c->g * 255),
                  (int) round (c->b * 255) };
}

static AtlasOverlayLayer *
layer (const char *id)
{
  return atlas_test_layer (data, id);
}

static AtlasOverlayFeature *
feature (const char *id)
{
  return atlas_test_feature (data, id);
}

/* A renderer of the layers named in @ids (NULL-terminated), each at
 * @opacity. */
static AtlasOverlayRenderer *
renderer_for (const char * const *ids,
              double              opacity)
{
  guint n = atlas_overlays_get_layers (data->overlays)->len;
  g_autofree gboolean *visible = g_new0 (gboolean, MAX (n, 1));
  g_autofree double *opacities = g_new (double, MAX (n, 1));
  g_autoptr(AtlasVisibility) shown = NULL;

  for (guint i = 0; i < n; i++)
    opacities[i] = opacity;
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    visible[layer (ids[i])->index] = TRUE;
  shown = atlas_visibility_new (data->overlays, visible, opacities, NULL);
  return atlas_overlay_renderer_new (data->overlays, shown);
}

/* Renders the tile holding (lon, lat) at @zoom and returns the pixel
 * coordinates of the point in it. */
static cairo_surface_t *
render_at (AtlasOverlayRenderer *r,
           double                lon,
           double                lat,
           guint                 zoom,
           int                  *px,
           int                  *py)
{
  guint tx, ty;
  double n = ATLAS_TILE_SIZE * pow (2, zoom);
  cairo_surface_t *surface;

  atlas_geo_lonlat_to_tile (lon, lat, zoom, &tx, &ty);
  *px = (int) (atlas_geo_lon_to_world_x (lon) * n - tx * ATLAS_TILE_SIZE);
  *py = (int) (atlas_geo_lat_to_world_y (lat) * n - ty * ATLAS_TILE_SIZE);
  surface = atlas_painter_render_tile (atlas_overlay_renderer_as_painter (r), zoom, tx, ty, 1);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_format (surface), ==, CAIRO_FORMAT_ARGB32);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, ATLAS_TILE_SIZE);
  return surface;
}

static Argb
majority_at_lonlat (AtlasOverlayRenderer *r,
                    double                lon,
                    double                lat,
                    guint                 zoom)
{
  int x, y;
  cairo_surface_t *surface = render_at (r, lon, lat, zoom, &x, &y);
  Argb p = majority_at (surface, x, y);

  cairo_surface_destroy (surface);
  return p;
}

static guint
count_opaque (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += pixel_at (surface, x, y).a > 0;
  return n;
}

static const char * const commuting_only[] = { "circles.commuting", NULL };

/* The commuting circle tints 廊坊 with its fill and leaves 石家庄, outside
 * it, untouched. */
static void
test_zone_tint (void)
{
  g_autoptr(AtlasOverlayRenderer) r = renderer_for (commuting_only, 1.0);
  const AtlasOverlayStyle *style = feature ("commuting_circle")->style;
  Argb fill = colour_to_argb (&style->fill);
  Argb got = majority_at_lonlat (r, langfang_lon, langfang_lat, 9);
  Argb outside = majority_at_lonlat (r, shijiazhuang_lon, shijiazhuang_lat, 9);
  int x, y;
  cairo_surface_t *surface;

  g_assert_true (style->has_fill);
  g_test_message ("廊坊: a=%d #%02x%02x%02x, style fill a=%d #%02x%02x%02x", got.a, got.r, got.g,
                  got.b, fill.a, fill.r, fill.g, fill.b);
  g_assert_cmpint (got.a, >, 0);
  g_assert_cmpint (abs (got.a - fill.a), <=, 3);
  /* un-premultiplying a low alpha loses some precision */
  g_assert_cmpint (colour_distance (got, fill), <=, 8);
  g_assert_cmpint (outside.a, ==, 0);

  /* 石家庄 exactly, not only the majority around it */
  surface = render_at (r, shijiazhuang_lon, shijiazhuang_lat, 9, &x, &y);
  g_assert_cmpint (pixel_at (surface, x, y).a, ==, 0);
  cairo_surface_destroy (surface);
}

/* A feature switched off within its shown layer is not drawn. */
static void
test_hidden_feature (void)
{
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  g_autofree gboolean *visible = g_new0 (gboolean, layers->len);
  g_autofree double *opacity = g_new (double, layers->len);
  g_autofree gboolean *hidden = g_new0 (gboolean, features->len);
  AtlasOverlayFeature *f = feature ("commuting_circle");
  g_autoptr(AtlasVisibility) with_f = NULL;
  g_autoptr(AtlasVisibility) without_f = NULL;
  g_autoptr(AtlasOverlayRenderer) shown = NULL;
  g_autoptr(AtlasOverlayRenderer) without = NULL;
  guint tx, ty;
  cairo_surface_t *a, *b;
  double n = ATLAS_TILE_SIZE * pow (2, 9);
  int x, y;

  for (guint i = 0; i < layers->len; i++)
    opacity[i] = 1.0;
  visible[f->layer->index] = TRUE;
  with_f = atlas_visibility_new (data->overlays, visible, opacity, hidden);
  shown = atlas_overlay_renderer_new (data->overlays, with_f);
  hidden[f->index] = TRUE;
  without_f = atlas_visibility_new (data->overlays, visible, opacity, hidden);
  without = atlas_overlay_renderer_new (data->overlays, without_f);

  atlas_geo_lonlat_to_tile (116.70, 39.52, 9, &tx, &ty);
  x = (int) (atlas_geo_lon_to_world_x (116.70) * n - tx * ATLAS_TILE_SIZE);
  y = (int) (atlas_geo_lat_to_world_y (39.52) * n - ty * ATLAS_TILE_SIZE);
  a = atlas_painter_render_tile (atlas_overlay_renderer_as_painter (shown), 9, tx, ty, 1);
  b = atlas_painter_render_tile (atlas_overlay_renderer_as_painter (without), 9, tx, ty, 1);
  g_assert_cmpuint ((*(guint32 *) (cairo_image_surface_get_data (a) + y * cairo_image_surface_get_stride (a) + 4 * x)) >> 24, >, 0);
  g_assert_cmpuint ((*(guint32 *) (cairo_image_surface_get_data (b) + y * cairo_image_surface_get_stride (b) + 4 * x)) >> 24, ==, 0);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static void
test_toggling (void)
{
  static const char * const none[] = { NULL };
  g_autoptr(AtlasOverlayRenderer) hidden = renderer_for (none, 1.0);
  g_autoptr(AtlasOverlayRenderer) full = renderer_for (commuting_only, 1.0);
  g_autoptr(AtlasOverlayRenderer) half = renderer_for (commuting_only, 0.5);
  g_autoptr(AtlasOverlayRenderer) zero = renderer_for (commuting_only, 0.0);
  int x, y;
  cairo_surface_t *surface;
  Argb a_full, a_half;
  double ratio;

  /* nothing shown: the whole tile is transparent */
  surface = render_at (hidden, langfang_lon, langfang_lat, 9, &x, &y);
  g_assert_cmpint (pixel_at (surface, x, y).a, ==, 0);
  g_assert_cmpuint (count_opaque (surface), ==, 0);
  cairo_surface_destroy (surface);

  /* opacity 0 is as good as hidden */
  surface = render_at (zero, langfang_lon, langfang_lat, 9, &x, &y);
  g_assert_cmpuint (count_opaque (surface), ==, 0);
  cairo_surface_destroy (surface);

  a_full = majority_at_lonlat (full, langfang_lon, langfang_lat, 9);
  a_half = majority_at_lonlat (half, langfang_lon, langfang_lat, 9);
  ratio = (double) a_half.a / a_full.a;
  g_test_message ("alpha at 廊坊: %d at opacity 1, %d at opacity 0.5 (ratio %.2f)", a_full.a,
                  a_half.a, ratio);
  g_assert_cmpint (a_full.a, >, 0);
  g_assert_cmpfloat (ratio, >=, 0.4);
  g_assert_cmpfloat (ratio, <=, 0.6);
  /* the colour stays the same */
  g_assert_cmpint (colour_distance (a_full, a_half), <=, 12);
}

/* Four tiles side by side must equal one drawing of the same area: no
 * label, symbol or band is cut or placed differently at a tile edge. */
static void
test_tiles_seamless (void)
{
  static const char * const ids[] = {
    "circles.commuting", "circles.functional", "crossborder.areas", "structure.nodes",
    "structure.corridors", "transport.airports", "transport.radial", "industry.platforms",
    "culture.world_heritage", NULL,
  };
  g_autoptr(AtlasOverlayRenderer) r = renderer_for (ids, 0.8);
  AtlasPainter *painter = atlas_overlay_renderer_as_painter (r);
  const guint zoom = 9;
  guint tx, ty;
  cairo_surface_t *whole, *tile;
  cairo_t *cr;
  AtlasViewport vp;
  guint differing = 0, drawn = 0;

  /* the corner of four tiles near the sub-centre, 北三县 and 廊坊 */
  atlas_geo_lonlat_to_tile (116.55, 39.75, zoom, &tx, &ty);
  atlas_viewport_for_tile (&vp, zoom, tx, ty);
  vp.width = vp.height = 2 * ATLAS_TILE_SIZE;
  whole = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 512, 512);
  cr = cairo_create (whole);
  atlas_painter_draw (painter, cr, &vp);
  cairo_destroy (cr);
  cairo_surface_flush (whole);

  for (guint j = 0; j < 2; j++)
    for (guint i = 0; i < 2; i++)
      {
        tile = atlas_painter_render_tile (painter, zoom, tx + i, ty + j, 1);
        for (int y = 0; y < 256; y++)
          for (int x = 0; x < 256; x++)
            {
              Argb a = pixel_at (tile, x, y), b = pixel_at (whole, x + 256 * i, y + 256 * j);

              differing += argb_distance (a, b) > 40;
              drawn += a.a > 0;
            }
        cairo_surface_destroy (tile);
      }
  cairo_surface_destroy (whole);

  g_test_message ("pixels differing between tiles and one drawing: %u of 262144 (%u drawn)",
                  differing, drawn);
  g_assert_cmpuint (drawn, >, 262144 / 2);
  g_assert_cmpuint (differing, <, 262144 / 1000);
}

/* Draws the part of the map around @f's bounding box at @zoom; returns the
 * surface and its viewport. */
static cairo_surface_t *
draw_around (AtlasOverlayRenderer      *r,
             const AtlasOverlayFeature *f,
             double                     zoom,
             AtlasViewport             *vp)
{
  double scale = ATLAS_TILE_SIZE * pow (2, zoom);
  double margin = 20 / scale;
  cairo_surface_t *surface;
  cairo_t *cr;

  vp->zoom = zoom;
  vp->origin_x = f->bbox.x0 - margin;
  vp->origin_y = f->bbox.y0 - margin;
  vp->width = ceil ((f->bbox.x1 - f->bbox.x0 + 2 * margin) * scale);
  vp->height = ceil ((f->bbox.y1 - f->bbox.y0 + 2 * margin) * scale);
  g_assert_cmpfloat (vp->width, <, 1200);
  g_assert_cmpfloat (vp->height, <, 1200);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) vp->width, (int) vp->height);
  cr = cairo_create (surface);
  atlas_painter_draw (atlas_overlay_renderer_as_painter (r), cr, vp);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The share of the outline's vertices near which a pixel has at least
 * @min_alpha. */
static double
outline_coverage (cairo_surface_t           *surface,
                  const AtlasOverlayFeature *f,
                  const AtlasViewport       *vp,
                  int                        min_alpha)
{
  const AtlasGeomLayer *g = &f->geom[atlas_basemap_band_for_zoom ((guint) vp->zoom)];
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  guint hits = 0;

  g_assert_cmpuint (g->n_points, >, 8);
  for (guint i = 0; i < g->n_points; i++)
    {
      int x = (int) floor ((g->points[i].x - vp->origin_x) * scale);
      int y = (int) floor ((g->points[i].y - vp->origin_y) * scale);
      int best = 0;

      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          best = MAX (best, pixel_at (surface, CLAMP (x + dx, 0, w - 1), CLAMP (y + dy, 0, h - 1)).a);
      hits += best >= min_alpha;
    }
  return (double) hits / g->n_points;
}

/* Schematic outlines are drawn, dashed: the ring of the inner transport
 * corridor (stroke only) and the 起步区 circle (stroke over a fill). */
static void
test_schematic_outline (void)
{
  static const char * const rings[] = { "transport.rings", NULL };
  static const char * const wings[] = { "structure.wings_detail", NULL };
  g_autoptr(AtlasOverlayRenderer) r1 = renderer_for (rings, 1.0);
  g_autoptr(AtlasOverlayRenderer) r2 = renderer_for (wings, 1.0);
  AtlasOverlayFeature *inner = feature ("tr_inner_ring");
  AtlasOverlayFeature *qibu = feature ("xiongan_qibu_zone");
  AtlasViewport vp;
  cairo_surface_t *surface;
  double coverage;
  int fill_alpha;
  Argb mid;

  g_assert_true (inner->schematic);
  g_assert_true (qibu->schematic);

  surface = draw_around (r1, inner, 7, &vp);
  coverage = outline_coverage (surface, inner, &vp, 128);
  g_test_message ("tr_inner_ring: %.0f %% of its outline drawn", 100 * coverage);
  g_assert_cmpfloat (coverage, >, 0.4);
  /* not filled: half-way between the centre (its label) and the ring */
  {
    double scale = ATLAS_TILE_SIZE * pow (2, vp.zoom);
    int cx = (int) ((inner->anchor.x - vp.origin_x) * scale);
    int cy = (int) ((inner->anchor.y - vp.origin_y) * scale);
    int radius = (int) ((inner->bbox.y1 - inner->bbox.y0) * scale / 2);

    mid = majority_at (surface, cx, cy + radius / 2);
    g_assert_cmpint (mid.a, ==, 0);
  }
  cairo_surface_destroy (surface);

  surface = draw_around (r2, qibu, 10, &vp);
  fill_alpha = (int) round (qibu->style->fill.a * 255);
  coverage = outline_coverage (surface, qibu, &vp, MIN (255, fill_alpha + 60));
  g_test_message ("xiongan_qibu_zone: %.0f %% of its outline drawn above the fill", 100 * coverage);
  g_assert_cmpfloat (coverage, >, 0.4);
  cairo_surface_destroy (surface);
}

/* Airport symbols are opaque at their anchors. */
static void
test_point_symbols (void)
{
  static const char * const airports[] = { "transport.airports", NULL };
  g_autoptr(AtlasOverlayRenderer) r = renderer_for (airports, 1.0);
  AtlasOverlayLayer *l = layer ("transport.airports");

  g_assert_cmpuint (l->features->len, >, 0);
  for (guint i = 0; i < l->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (l->features, i);
      int x, y;
      cairo_surface_t *surface = render_at (r, f->anchor_lon, f->anchor_lat, 9, &x, &y);
      Argb p = pixel_at (surface, x, y);
      Argb away = pixel_at (surface, CLAMP (x + 30, 0, 255), CLAMP (y - 30, 0, 255));

      g_test_message ("%s: alpha %d at its anchor", f->id, p.a);
      g_assert_cmpint (f->shape, ==, ATLAS_SHAPE_POINT);
      g_assert_cmpint (p.a, >, 200);
      /* the symbol is small: 30 px away (off the label, which is beside it) is empty */
      g_assert_cmpint (away.a, ==, 0);
      cairo_surface_destroy (surface);
    }
}

static void
test_hidpi (void)
{
  g_autoptr(AtlasOverlayRenderer) r = renderer_for (commuting_only, 1.0);
  AtlasPainter *painter = atlas_overlay_renderer_as_painter (r);
  guint tx, ty;
  int x, y;
  cairo_surface_t *s1, *s2;

  atlas_geo_lonlat_to_tile (langfang_lon, langfang_lat, 9, &tx, &ty);
  s1 = render_at (r, langfang_lon, langfang_lat, 9, &x, &y);
  s2 = atlas_painter_render_tile (painter, 9, tx, ty, 2);
  g_assert_cmpint (cairo_image_surface_get_width (s2), ==, 512);
  g_assert_cmpint (argb_distance (majority_at (s1, x, y), majority_at (s2, 2 * x, 2 * y)), <=, 8);
  cairo_surface_destroy (s1);
  cairo_surface_destroy (s2);
}

static void
test_empty_overlays (void)
{
  g_autoptr(AtlasOverlays) empty = atlas_overlays_new_empty ();
  g_autoptr(AtlasVisibility) all = atlas_visibility_new_all (empty);
  g_autoptr(AtlasOverlayRenderer) r = atlas_overlay_renderer_new (empty, all);
  cairo_surface_t *s = atlas_painter_render_tile (atlas_overlay_renderer_as_painter (r), 9, 421, 194, 1);

  g_assert_cmpuint (count_opaque (s), ==, 0);
  cairo_surface_destroy (s);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/overlay-render/zone-tint", test_zone_tint);
  g_test_add_func ("/atlas/overlay-render/toggling", test_toggling);
  g_test_add_func ("/atlas/overlay-render/hidden-feature", test_hidden_feature);
  g_test_add_func ("/atlas/overlay-render/tiles-seamless", test_tiles_seamless);
  g_test_add_func ("/atlas/overlay-render/schematic-outline", test_schematic_outline);
  g_test_add_func ("/atlas/overlay-render/point-symbols", test_point_symbols);
  g_test_add_func ("/atlas/overlay-render/hidpi", test_hidpi);
  g_test_add_func ("/atlas/overlay-render/empty-overlays", test_empty_overlays);

  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
