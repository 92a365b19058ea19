/* test-labels.c — the one label engine and the nested circles, checked
 * on the real data: placements of the base map and the plan's features
 * together, and pixels of a region sheet */

#include <math.h>
#include <string.h>

#include "model/atlas-data.h"
#include "model/atlas-layer-state.h"
#include "model/atlas-views.h"
#include "render/atlas-overlay-renderer.h"
#include "render/atlas-paint.h"
#include "atlas-test-util.h"

/* Loaded once and shared by every test. */
static AtlasData *data;

static AtlasOverlayRenderer *
renderer_for (const char *ids,
              gboolean    with_base)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasVisibility) shown = NULL;
  AtlasOverlayRenderer *r;

  g_assert_true (atlas_layer_state_set_visible_ids (state, ids, NULL));
  shown = atlas_layer_state_snapshot (state);
  r = atlas_overlay_renderer_new (data->overlays, shown);
  if (with_base)
    atlas_overlay_renderer_set_basemap (r, data->basemap);
  return r;
}

static const AtlasPlacedLabel *
find_placed (GArray     *placed,
             const char *text)
{
  for (guint i = 0; i < placed->len; i++)
    {
      const AtlasPlacedLabel *p = &g_array_index (placed, AtlasPlacedLabel, i);

      if (g_str_equal (p->label->name_zh, text))
        return p;
    }
  return NULL;
}

/* The name as a reader takes it: 张家口市 and 张家口 are one place. */
static char *
reader_name (const char *name)
{
  static const char *suffixes[] = { "自治县", "新城", "新区", "市", "区", "县" };
  gsize len = strlen (name);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (len > strlen (suffixes[i]) + 3 && g_str_has_suffix (name, suffixes[i]))
      return g_strndup (name, len - strlen (suffixes[i]));
  return g_strdup (name);
}

/* Where a base label and a feature's label share a name (张家口市 and the
 * node city 张家口, 延庆区 and 延庆新城, 秦皇岛市 and 秦皇岛), it is shown once,
 * as the feature's; with the feature's layer off, the base label is back. */
static void
test_name_once (void)
{
  g_autoptr(AtlasOverlayRenderer) all = renderer_for ("all", TRUE);
  g_autoptr(AtlasOverlayRenderer) none = renderer_for ("none", TRUE);

  for (guint z = ATLAS_MIN_ZOOM; z <= ATLAS_MAX_ZOOM; z++)
    {
      GArray *placed = atlas_overlay_renderer_get_placements (all, z);

      for (guint i = 0; i < placed->len; i++)
        for (guint j = i + 1; j < placed->len; j++)
          {
            const AtlasPlacedLabel *a = &g_array_index (placed, AtlasPlacedLabel, i);
            const AtlasPlacedLabel *b = &g_array_index (placed, AtlasPlacedLabel, j);
            g_autofree char *na = reader_name (a->label->name_zh);
            g_autofree char *nb = reader_name (b->label->name_zh);
            gboolean base_a = a->label->kind < ATLAS_LABEL_OVERLAY_POINT;
            gboolean base_b = b->label->kind < ATLAS_LABEL_OVERLAY_POINT;

            if (((base_a != base_b && g_str_equal (na, nb)) || g_str_equal (a->label->name_zh, b->label->name_zh))
                && hypot (a->label->world.x - b->label->world.x, a->label->world.y - b->label->world.y) < 0.001)
              g_error ("zoom %u: “%s” and “%s” both shown", z, a->label->name_zh, b->label->name_zh);
          }
    }

  /* zoom 9: prefectures, counties and the node cities are all candidates */
  g_assert_null (find_placed (atlas_overlay_renderer_get_placements (all, 9), "张家口市"));
  g_assert_nonnull (find_placed (atlas_overlay_renderer_get_placements (all, 9), "张家口"));
  g_assert_null (find_placed (atlas_overlay_renderer_get_placements (all, 9), "延庆区"));
  g_assert_nonnull (find_placed (atlas_overlay_renderer_get_placements (none, 9), "张家口市"));
  g_assert_nonnull (find_placed (atlas_overlay_renderer_get_placements (none, 9), "延庆区"));
}

/* One collision set: no two labels (base map and features) overlap, at
 * any zoom, and every label reads at 4.5:1 against its halo. */
static void
test_no_overlap_readable (void)
{
  g_autoptr(AtlasOverlayRenderer) all = renderer_for ("all", TRUE);
  guint n_base = 0, n_feature = 0;

  for (guint z = ATLAS_MIN_ZOOM; z <= ATLAS_MAX_ZOOM; z++)
    {
      GArray *placed = atlas_overlay_renderer_get_placements (all, z);

      for (guint i = 0; i < placed->len; i++)
        {
          const AtlasPlacedLabel *a = &g_array_index (placed, AtlasPlacedLabel, i);
          AtlasRgba text, ground;

          atlas_placed_label_colours (a, &text, &ground);
          if (atlas_rgba_contrast (&text, &ground) < ATLAS_LABEL_MIN_CONTRAST)
            g_error ("zoom %u: “%s” reads at %.2f:1", z, a->label->name_zh,
                     atlas_rgba_contrast (&text, &ground));
          if (a->label->kind < ATLAS_LABEL_OVERLAY_POINT)
            n_base++;
          else
            n_feature++;

          for (guint j = i + 1; j < placed->len; j++)
            {
              const AtlasPlacedLabel *b = &g_array_index (placed, AtlasPlacedLabel, j);

              if (atlas_rect_intersects (&a->box, &b->box))
                g_error ("zoom %u: “%s” overlaps “%s”", z, a->label->name_zh, b->label->name_zh);
            }
        }
    }
  g_assert_cmpuint (n_base, >, 200);
  g_assert_cmpuint (n_feature, >, 200);
}

/* A plan feature's label beats a county label: where the feature's label
 * and a county's compete for the same space, the feature's is shown. */
static void
test_feature_beats_county (void)
{
  g_autoptr(AtlasOverlayRenderer) all = renderer_for ("structure", TRUE);
  GArray *placed = atlas_overlay_renderer_get_placements (all, 9);
  guint n_features = 0;

  for (guint i = 0; i < placed->len; i++)
    n_features += g_array_index (placed, AtlasPlacedLabel, i).label->kind >= ATLAS_LABEL_OVERLAY_POINT;
  /* every node city and new town of the structure is labelled at zoom 9 */
  g_assert_cmpuint (n_features, >=, 30);
  g_assert_nonnull (find_placed (placed, "延庆新城"));
  g_assert_nonnull (find_placed (placed, "顺义新城"));
}

static gboolean
in_zone (const AtlasOverlayFeature *f,
         double                     x,
         double                     y)
{
  return atlas_geom_layer_hit (&f->geom[ATLAS_N_BANDS - 1], x, y) != NULL;
}

/* A circle's label sits in its own band: 产业协同圈 outside 功能圈, 功能圈
 * between 通勤圈 and its edge. */
static void
test_circle_labels_in_band (void)
{
  g_autoptr(AtlasOverlayRenderer) r = renderer_for ("circles", TRUE);
  const AtlasOverlayFeature *industrial = atlas_test_feature (data, "industrial_circle");
  const AtlasOverlayFeature *functional = atlas_test_feature (data, "functional_circle");
  const AtlasOverlayFeature *commuting = atlas_test_feature (data, "commuting_circle");

  for (guint z = 6; z <= 8; z++)
    {
      GArray *placed = atlas_overlay_renderer_get_placements (r, z);
      double scale = ATLAS_TILE_SIZE * pow (2, z);
      const AtlasPlacedLabel *pi = find_placed (placed, "产业协同圈");
      const AtlasPlacedLabel *pf = find_placed (placed, "功能圈");
      double x, y;

      g_assert_nonnull (pi);
      g_assert_nonnull (pf);
      x = (pi->box.x0 + pi->box.x1) / 2 / scale;
      y = (pi->box.y0 + pi->box.y1) / 2 / scale;
      g_assert_true (in_zone (industrial, x, y) && !in_zone (functional, x, y));
      x = (pf->box.x0 + pf->box.x1) / 2 / scale;
      y = (pf->box.y0 + pf->box.y1) / 2 / scale;
      g_assert_true (in_zone (functional, x, y) && !in_zone (commuting, x, y));
    }
}

typedef struct
{
  int a, r, g, b;
} Argb;

static Argb
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *bytes = cairo_image_surface_get_data (surface);
  guint32 v = *(const guint32 *) (bytes + y * cairo_image_surface_get_stride (surface) + 4 * x);

  return (Argb) { (v >> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
}

static int
distance (Argb a,
          Argb b)
{
  return MAX (MAX (abs (a.a - b.a), abs (a.r - b.r)), MAX (abs (a.g - b.g), abs (a.b - b.b)));
}

static Argb
swatch_colour (const AtlasOverlayFeature *f)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 48, 28);
  cairo_t *cr = cairo_create (s);
  Argb c;

  atlas_overlay_draw_swatch (cr, f->style, ATLAS_OVERLAY_ZONE, f->schematic, 48, 28);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  c = pixel_at (s, 24, 14);
  cairo_surface_destroy (s);
  return c;
}

/* The band of the innermost circle that holds the point, or -1. */
static int
band_at (const AtlasOverlayFeature **circles,
         double                      x,
         double                      y)
{
  for (int c = 2; c >= 0; c--)
    if (in_zone (circles[c], x, y))
      return c;
  return -1;
}

/* On a sheet of the region, each circle's colour inside its own band is
 * its legend swatch's: nested rings, not stacked fills. */
static void
test_circle_band_colours (void)
{
  g_autoptr(AtlasOverlayRenderer) r = renderer_for ("circles.industrial,circles.functional,circles.commuting", FALSE);
  const char *ids[] = { "industrial_circle", "functional_circle", "commuting_circle" };
  const AtlasOverlayFeature *circles[3];
  Argb swatch[3];
  guint hits[3] = { 0 }, samples[3] = { 0 };
  AtlasViewport vp = { 7, 0, 0, 0, 0 };
  double scale = ATLAS_TILE_SIZE * 128;
  cairo_surface_t *sheet;
  cairo_t *cr;

  vp.origin_x = atlas_geo_lon_to_world_x (ATLAS_BTH_WEST);
  vp.origin_y = atlas_geo_lat_to_world_y (ATLAS_BTH_NORTH);
  vp.width = ceil ((atlas_geo_lon_to_world_x (ATLAS_BTH_EAST) - vp.origin_x) * scale);
  vp.height = ceil ((atlas_geo_lat_to_world_y (ATLAS_BTH_SOUTH) - vp.origin_y) * scale);
  sheet = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, vp.width, vp.height);
  cr = cairo_create (sheet);
  atlas_painter_draw (atlas_overlay_renderer_as_painter (r), cr, &vp);
  cairo_destroy (cr);
  cairo_surface_flush (sheet);

  for (guint c = 0; c < 3; c++)
    {
      circles[c] = atlas_test_feature (data, ids[c]);
      swatch[c] = swatch_colour (circles[c]);
      g_assert_cmpint (swatch[c].a, >, 0);
    }
  /* distinct hues */
  g_assert_cmpint (distance (swatch[0], swatch[1]), >, 12);
  g_assert_cmpint (distance (swatch[1], swatch[2]), >, 12);

  for (int py = 6; py < vp.height - 6; py += 5)
    for (int px = 6; px < vp.width - 6; px += 5)
      {
        int band = band_at (circles, vp.origin_x + (px + 0.5) / scale, vp.origin_y + (py + 0.5) / scale);
        gboolean inside = band >= 0;

        /* well inside the band: not on an outline */
        for (int d = 0; d < 4 && inside; d++)
          inside = band == band_at (circles, vp.origin_x + (px + 0.5 + (d == 0 ? 5 : d == 1 ? -5 : 0)) / scale,
                                    vp.origin_y + (py + 0.5 + (d == 2 ? 5 : d == 3 ? -5 : 0)) / scale);
        if (!inside)
          continue;
        samples[band]++;
        hits[band] += distance (pixel_at (sheet, px, py), swatch[band]) <= 3;
      }
  cairo_surface_destroy (sheet);

  /* labels and symbols cover a few samples, nothing else does */
  for (guint c = 0; c < 3; c++)
    {
      g_test_message ("%s: %u of %u samples show the swatch's colour", ids[c], hits[c], samples[c]);
      g_assert_cmpuint (samples[c], >, 100);
      g_assert_cmpuint (hits[c] * 100, >=, samples[c] * 90);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/labels/name-shown-once", test_name_once);
  g_test_add_func ("/atlas/labels/no-overlap-readable", test_no_overlap_readable);
  g_test_add_func ("/atlas/labels/feature-beats-county", test_feature_beats_county);
  g_test_add_func ("/atlas/labels/circle-in-own-band", test_circle_labels_in_band);
  g_test_add_func ("/atlas/circles/band-colour-is-swatch", test_circle_band_colours);

  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
