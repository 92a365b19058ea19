/* test-overlays.c — the plan's overlay layers: figures, members, nesting,
 * traceability to the plan, hit testing, layer state and broken files */

#define _POSIX_C_SOURCE 200809L

#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>
#include <string.h>

#include "model/atlas-data.h"
#include "model/atlas-layer-state.h"
#include "model/atlas-plan-index.h"
#include "atlas-resources.h"
#include "atlas-test-util.h"

#define BROKEN_DIR ATLAS_TEST_DATA_DIR "/layers-broken"

/* Loaded once (about 2 s) and shared by every test. */
static AtlasData *data;

static AtlasOverlayFeature *
feature (const char *id)
{
  return atlas_test_feature (data, id);
}

static AtlasOverlayLayer *
layer (const char *id)
{
  return atlas_test_layer (data, id);
}

static gboolean *
visible_none (void)
{
  return g_new0 (gboolean, MAX (atlas_overlays_get_layers (data->overlays)->len, 1));
}

static void
show_group (gboolean   *visible,
            const char *group_id)
{
  AtlasOverlayGroup *group = atlas_overlays_lookup_group (data->overlays, group_id);

  g_assert_nonnull (group);
  for (guint i = 0; i < group->layers->len; i++)
    visible[((AtlasOverlayLayer *) g_ptr_array_index (group->layers, i))->index] = TRUE;
}

/* Areas */

static void
assert_area (const char *id,
             double      expected)
{
  AtlasOverlayFeature *f = feature (id);
  double deviation = (f->area_km2 - expected) / expected;

  g_test_message ("%s (%s): computed %.0f km², plan %.0f km² (%+.1f %%)", f->name_zh, id,
                  f->area_km2, expected, 100 * deviation);
  g_assert_true (isfinite (f->area_km2));
  g_assert_cmpfloat (fabs (deviation), <, 0.05);
}

static void
test_circle_areas (void)
{
  assert_area ("commuting_circle", 27000);
  assert_area ("functional_circle", 42000);
  assert_area ("xb_tongzhou_beisan", 2164);
}

/* Every stated area agrees with the computed one, except where the data
 * documents why it cannot: 雄安新区 is drawn as its three counties
 * (≈1,558 km²) while the plan's 1,770 km² adds four townships of 任丘 and
 * 高阳. */
static void
test_stated_areas (void)
{
  static const char * const documented[] = { "xiongan_new_area" };
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  guint checked = 0;

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (isnan (f->stated_area_km2))
        continue;
      if (g_strv_contains (documented, f->id))
        {
          g_test_message ("%s (%s): computed %.0f km², plan %.0f km² — documented: %s", f->name_zh,
                          f->id, f->area_km2, f->stated_area_km2, f->note);
          g_assert_nonnull (f->note);
          continue;
        }
      g_assert_cmpint (f->shape, ==, ATLAS_SHAPE_POLYGON);
      assert_area (f->id, f->stated_area_km2);
      checked++;
    }
  /* at least the three circles/cross-border figures and the wings' */
  g_assert_cmpuint (checked, >=, 5);
}

/* Members */

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static GArray *
sorted_codes (const guint32 *codes,
              guint          n)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);

  g_array_append_vals (array, codes, n);
  g_array_sort (array, compare_codes);
  return array;
}

static void
append_codes (GArray        *array,
              const guint32 *codes,
              guint          n)
{
  g_array_append_vals (array, codes, n);
}

static char *
describe_code (guint32 code)
{
  const AtlasCounty *c = atlas_basemap_lookup_county (data->basemap, code);

  return g_strdup_printf ("%u %s", code, c != NULL ? c->name_zh : "(not in the base map)");
}

/* Compares two sorted lists and prints what one has and the other lacks. */
static void
assert_same_codes (const char *what,
                   GArray     *got,
                   GArray     *expected)
{
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  guint i = 0, j = 0;

  while (i < got->len || j < expected->len)
    {
      guint32 a = i < got->len ? g_array_index (got, guint32, i) : G_MAXUINT32;
      guint32 b = j < expected->len ? g_array_index (expected, guint32, j) : G_MAXUINT32;
      g_autofree char *text = NULL;

      if (a == b)
        {
          i++;
          j++;
        }
      else if (a < b)
        {
          text = describe_code (a);
          g_string_append_printf (extra, " %s", text);
          i++;
        }
      else
        {
          text = describe_code (b);
          g_string_append_printf (missing, " %s", text);
          j++;
        }
    }

  if (extra->len > 0 || missing->len > 0)
    g_error ("%s: members differ from the plan; extra:%s; missing:%s", what,
             extra->len > 0 ? extra->str : " none", missing->len > 0 ? missing->str : " none");
  g_test_message ("%s: %u counties, as in the plan", what, got->len);
}

static const guint32 beijing[] = {
  110101, 110102, 110105, 110106, 110107, 110108, 110109, 110111,
  110112, 110113, 110114, 110115, 110116, 110117, 110118, 110119,
};
static const guint32 tianjin[] = {
  120101, 120102, 120103, 120104, 120105, 120106, 120110, 120111,
  120112, 120113, 120114, 120115, 120116, 120117, 120118, 120119,
};
/* 廊坊市广阳区、安次区、三河市、大厂回族自治县、香河县、固安县、永清县 */
static const guint32 langfang_units[] = { 131003, 131002, 131082, 131028, 131024, 131022, 131023 };
/* 保定市涿州市、涞水县、高碑店市 */
static const guint32 baoding_commuting[] = { 130681, 130623, 130684 };
/* 保定市竞秀区、莲池区、徐水区、满城区、清苑区、定兴县 (with the three above) */
static const guint32 baoding_functional[] = { 130602, 130606, 130609, 130607, 130608, 130626 };
/* 雄安新区: 雄县、容城县、安新县 */
static const guint32 xiongan[] = { 130638, 130629, 130632 };
static const guint32 wuqing = 120114, huailai = 130730;

static void
check_members (const char *id,
               GArray     *expected)
{
  AtlasOverlayFeature *f = feature (id);
  g_autoptr(GArray) got = sorted_codes ((const guint32 *) f->counties->data, f->counties->len);

  g_array_sort (expected, compare_codes);
  assert_same_codes (id, got, expected);
}

static void
test_circle_members (void)
{
  g_autoptr(GArray) commuting = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) functional = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) industrial = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (data->basemap, &n);

  append_codes (commuting, beijing, G_N_ELEMENTS (beijing));
  append_codes (commuting, &wuqing, 1);
  append_codes (commuting, langfang_units, G_N_ELEMENTS (langfang_units));
  append_codes (commuting, baoding_commuting, G_N_ELEMENTS (baoding_commuting));
  append_codes (commuting, &huailai, 1);
  check_members ("commuting_circle", commuting);

  append_codes (functional, beijing, G_N_ELEMENTS (beijing));
  append_codes (functional, tianjin, G_N_ELEMENTS (tianjin));
  append_codes (functional, xiongan, G_N_ELEMENTS (xiongan));
  append_codes (functional, langfang_units, G_N_ELEMENTS (langfang_units));
  append_codes (functional, baoding_commuting, G_N_ELEMENTS (baoding_commuting));
  append_codes (functional, baoding_functional, G_N_ELEMENTS (baoding_functional));
  append_codes (functional, &huailai, 1);
  check_members ("functional_circle", functional);

  /* all 200 counties of 北京, 天津 and 河北 */
  g_assert_cmpuint (n, ==, 200);
  for (guint i = 0; i < n; i++)
    g_array_append_val (industrial, counties[i].code);
  check_members ("industrial_circle", industrial);
}

/* Nesting */

static void
test_nesting (void)
{
  AtlasOverlayFeature *commuting = feature ("commuting_circle");
  AtlasOverlayFeature *functional = feature ("functional_circle");
  AtlasOverlayFeature *industrial = feature ("industrial_circle");
  double a = atlas_overlays_uncovered_fraction (data->overlays, commuting, functional);
  double b = atlas_overlays_uncovered_fraction (data->overlays, functional, industrial);
  double c = atlas_overlays_uncovered_fraction (data->overlays, functional, commuting);
  double d = atlas_overlays_uncovered_fraction (data->overlays, industrial, functional);

  g_test_message ("outside: 通勤圈 ⊄ 功能圈 %.5f, 功能圈 ⊄ 产业协同圈 %.5f, 功能圈 ⊄ 通勤圈 %.3f, "
                  "产业协同圈 ⊄ 功能圈 %.3f", a, b, c, d);
  g_assert_cmpfloat (a, >=, 0);
  g_assert_cmpfloat (a, <, 0.005);
  g_assert_cmpfloat (b, >=, 0);
  g_assert_cmpfloat (b, <, 0.005);
  g_assert_cmpfloat (c, >, 0.3);
  g_assert_cmpfloat (d, >, 0.3);
  g_assert_cmpfloat (c, <=, 1.0);

  /* the smaller zones of the circles group nest in the commuting circle */
  g_assert_cmpfloat (atlas_overlays_uncovered_fraction (data->overlays,
                                                        feature ("beijing_central_city"),
                                                        commuting), <, 0.005);
  g_assert_cmpfloat (atlas_overlays_uncovered_fraction (data->overlays,
                                                        feature ("capital_core_area"),
                                                        feature ("beijing_central_city")), <, 0.005);

  /* not zones: nothing to compare */
  g_assert_cmpfloat (atlas_overlays_uncovered_fraction (data->overlays, feature ("airport_pkx"),
                                                        commuting), ==, 1.0);
}

/* Traceability and catalogue */

static void
test_plan_refs (void)
{
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  GPtrArray *groups = atlas_overlays_get_groups (data->overlays);
  guint n_refs = 0;

  g_assert_nonnull (data->plan);
  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (f->plan_refs == NULL || f->plan_refs[0] == NULL)
        g_error ("feature “%s” cites no section of the plan", f->id);
      for (guint k = 0; f->plan_refs[k] != NULL; k++, n_refs++)
        if (atlas_plan_lookup (data->plan, f->plan_refs[k]) == NULL)
          g_error ("feature “%s” cites section “%s”, which the plan does not have", f->id,
                   f->plan_refs[k]);
    }
  /* layers and groups may omit theirs, but what they name must exist */
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *l = g_ptr_array_index (layers, i);

      for (guint k = 0; l->plan_refs != NULL && l->plan_refs[k] != NULL; k++)
        g_assert_nonnull (atlas_plan_lookup (data->plan, l->plan_refs[k]));
    }
  for (guint i = 0; i < groups->len; i++)
    {
      AtlasOverlayGroup *g = g_ptr_array_index (groups, i);

      for (guint k = 0; g->plan_refs != NULL && g->plan_refs[k] != NULL; k++)
        g_assert_nonnull (atlas_plan_lookup (data->plan, g->plan_refs[k]));
    }
  g_test_message ("%u features cite %u sections of the plan, all found", features->len, n_refs);
}

static void
test_catalogue (void)
{
  static const char * const group_ids[] = {
    "circles", "structure", "crossborder", "industry", "transport", "ecology", "culture", "safety",
  };
  GPtrArray *groups = atlas_overlays_get_groups (data->overlays);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_layers = 0, n_features = 0, schematic = 0;
  guint kinds[ATLAS_N_OVERLAY_KINDS] = { 0 };
  guint shapes[3] = { 0 };

  g_assert_cmpuint (groups->len, ==, G_N_ELEMENTS (group_ids));
  for (guint i = 0; i < G_N_ELEMENTS (group_ids); i++)
    {
      AtlasOverlayGroup *g = atlas_overlays_lookup_group (data->overlays, group_ids[i]);

      if (g == NULL)
        g_error ("the group “%s” is missing", group_ids[i]);
      g_assert_cmpstr (g->id, ==, group_ids[i]);
    }

  for (guint i = 0; i < groups->len; i++)
    {
      AtlasOverlayGroup *g = g_ptr_array_index (groups, i);

      if (i > 0)
        g_assert_cmpint (((AtlasOverlayGroup *) g_ptr_array_index (groups, i - 1))->order, <=,
                         g->order);
      if (g->layers->len == 0)
        g_error ("the group “%s” has no layers", g->id);
      for (guint j = 0; j < g->layers->len; j++)
        {
          AtlasOverlayLayer *l = g_ptr_array_index (g->layers, j);

          g_assert_true (l->group == g);
          g_assert_true (g_ptr_array_index (layers, l->index) == l);
          g_assert_true (atlas_overlays_lookup_layer (data->overlays, l->id) == l);
          g_assert_cmpuint (l->styles->len, >, 0);
          if (l->features->len == 0)
            g_error ("the layer “%s” has no features", l->id);
          kinds[l->kind]++;
          n_layers++;
          for (guint k = 0; k < l->features->len; k++)
            {
              AtlasOverlayFeature *f = g_ptr_array_index (l->features, k);

              g_assert_true (f->layer == l);
              g_assert_nonnull (f->style);
              g_assert_true (g_ptr_array_find (l->styles, f->style, NULL));
              g_assert_cmpuint (f->shape, <, G_N_ELEMENTS (shapes));
              shapes[f->shape]++;
              schematic += f->schematic;
              n_features++;
            }
        }
    }
  g_assert_cmpuint (n_layers, ==, layers->len);
  g_assert_cmpuint (n_features, ==, features->len);

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (!g_hash_table_add (ids, f->id))
        g_error ("the feature id “%s” is used twice", f->id);
      g_assert_cmpuint (f->index, ==, i);
      g_assert_true (atlas_overlays_lookup_feature (data->overlays, f->id) == f);
      g_assert_true (f->bbox.x0 <= f->anchor.x + 1e-9 && f->anchor.x <= f->bbox.x1 + 1e-9);
      if (f->shape == ATLAS_SHAPE_POLYGON)
        {
          g_assert_true (isfinite (f->area_km2));
          g_assert_cmpfloat (f->area_km2, >, 0);
          g_assert_nonnull (f->geos);
        }
      else
        g_assert_true (isnan (f->area_km2));
      if (f->source == ATLAS_SOURCE_RING)
        g_assert_true (f->schematic);
    }

  g_test_message ("%u groups, %u layers, %u features (%u zones, %u lines, %u points), %u schematic",
                  groups->len, layers->len, features->len, shapes[ATLAS_SHAPE_POLYGON],
                  shapes[ATLAS_SHAPE_LINE], shapes[ATLAS_SHAPE_POINT], schematic);
  g_assert_cmpuint (schematic, >, 0);
  g_assert_true (feature ("xiongan_qibu_zone")->schematic);
  g_assert_cmpuint (shapes[ATLAS_SHAPE_POLYGON], >, 0);
  g_assert_cmpuint (shapes[ATLAS_SHAPE_LINE], >, 0);
  g_assert_cmpuint (shapes[ATLAS_SHAPE_POINT], >, 0);
  g_assert_cmpuint (kinds[ATLAS_OVERLAY_ZONE], >, 0);
  g_assert_cmpuint (kinds[ATLAS_OVERLAY_POINT], >, 0);
  g_assert_cmpstr (atlas_overlay_kind_to_string (ATLAS_OVERLAY_BAND), ==, "band");
  g_assert_cmpstr (atlas_geometry_source_to_string (ATLAS_SOURCE_RING), ==, "ring");
}

/* Hit testing */

static AtlasOverlayFeature *
hit_visible (const gboolean *visible,
             double          world_x,
             double          world_y,
             double          zoom,
             double          tolerance_px)
{
  g_autoptr(AtlasVisibility) shown = atlas_visibility_new (data->overlays, visible, NULL, NULL);

  return atlas_overlays_hit (data->overlays, shown, world_x, world_y, zoom, tolerance_px);
}

static AtlasOverlayFeature *
hit_state (AtlasLayerState *state,
           double           world_x,
           double           world_y,
           double           zoom,
           double           tolerance_px)
{
  g_autoptr(AtlasVisibility) shown = atlas_layer_state_snapshot (state);

  return atlas_overlays_hit (atlas_layer_state_get_overlays (state), shown, world_x, world_y, zoom,
                             tolerance_px);
}

static AtlasOverlayFeature *
hit_lonlat (const gboolean *visible,
            double          lon,
            double          lat,
            double          zoom)
{
  return hit_visible (visible, atlas_geo_lon_to_world_x (lon), atlas_geo_lat_to_world_y (lat), zoom, 4);
}

static void
test_hit_smallest_zone (void)
{
  g_autofree gboolean *visible = visible_none ();
  const double lon = 116.70, lat = 39.52;   /* 廊坊市区 */
  AtlasOverlayFeature *f;

  g_assert_null (hit_lonlat (visible, lon, lat, 9));

  show_group (visible, "circles");
  f = hit_lonlat (visible, lon, lat, 9);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "commuting_circle");

  visible[layer ("circles.commuting")->index] = FALSE;
  f = hit_lonlat (visible, lon, lat, 9);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "functional_circle");

  visible[layer ("circles.functional")->index] = FALSE;
  f = hit_lonlat (visible, lon, lat, 9);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "industrial_circle");

  /* Tiananmen: the capital core area, the smallest of the nested zones */
  show_group (visible, "circles");
  f = hit_lonlat (visible, 116.3915, 39.9030, 9);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "capital_core_area");

  /* the Bohai and Inner Mongolia are in no circle */
  g_assert_null (hit_lonlat (visible, 120.2, 39.2, 9));
  g_assert_null (hit_lonlat (visible, 112.8, 42.9, 9));
}

static void
test_hit_symbol_first (void)
{
  g_autofree gboolean *visible = visible_none ();
  AtlasOverlayFeature *pkx = feature ("airport_pkx");
  double scale = ATLAS_TILE_SIZE * pow (2, 9);
  AtlasOverlayFeature *f;

  g_assert_cmpint (pkx->shape, ==, ATLAS_SHAPE_POINT);
  show_group (visible, "circles");

  /* with the airports hidden, a zone */
  f = hit_visible (visible, pkx->anchor.x, pkx->anchor.y, 9, 4);
  g_assert_nonnull (f);
  g_assert_cmpint (f->shape, ==, ATLAS_SHAPE_POLYGON);

  /* shown, the symbol wins over the zones under it */
  visible[pkx->layer->index] = TRUE;
  f = hit_visible (visible, pkx->anchor.x, pkx->anchor.y, 9, 4);
  g_assert_true (f == pkx);
  f = hit_visible (visible, pkx->anchor.x + 5 / scale, pkx->anchor.y, 9, 4);
  g_assert_true (f == pkx);
  g_assert_true (atlas_overlay_feature_hit (pkx, pkx->anchor.x, pkx->anchor.y - 5 / scale, 9, 4));
  /* 40 px away it is the zone again */
  f = hit_visible (visible, pkx->anchor.x + 40 / scale, pkx->anchor.y, 9, 4);
  g_assert_nonnull (f);
  g_assert_cmpint (f->shape, ==, ATLAS_SHAPE_POLYGON);
  g_assert_false (atlas_overlay_feature_hit (pkx, pkx->anchor.x + 40 / scale, pkx->anchor.y, 9, 4));
}

/* Layer state */

static void
count_changes (AtlasLayerState *state,
               guint           *count)
{
  (void) state;
  (*count)++;
}

static void
test_state_defaults (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  g_autoptr(AtlasVisibility) shown = atlas_layer_state_snapshot (state);

  g_assert_true (atlas_layer_state_get_overlays (state) == data->overlays);
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *l = g_ptr_array_index (layers, i);
      gboolean circles = g_str_equal (l->group->id, "circles");

      g_assert_cmpint (atlas_layer_state_get_visible (state, l), ==, circles);
      g_assert_cmpint (atlas_visibility_layer_visible (shown, l), ==, circles);
      g_assert_cmpfloat (atlas_layer_state_get_opacity (state, l), ==, 1.0);
      g_assert_cmpfloat (atlas_visibility_layer_opacity (shown, l), ==, 1.0);
      for (guint k = 0; k < l->features->len; k++)
        g_assert_false (atlas_visibility_feature_hidden (shown, l->features->pdata[k]));
    }
}

static void
test_state_visible_ids (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  g_autoptr(GError) error = NULL;
  guint changes = 0, shown = 0;

  g_signal_connect (state, "changed", G_CALLBACK (count_changes), &changes);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles.commuting, ecology", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *l = g_ptr_array_index (layers, i);
      gboolean expected = g_str_equal (l->id, "circles.commuting") || g_str_equal (l->group->id, "ecology");

      if (atlas_layer_state_get_visible (state, l) != expected)
        g_error ("layer “%s” is %s", l->id, expected ? "hidden" : "shown");
      shown += expected;
    }
  g_assert_cmpuint (shown, ==, 1 + atlas_overlays_lookup_group (data->overlays, "ecology")->layers->len);

  g_assert_true (atlas_layer_state_set_visible_ids (state, "all", &error));
  for (guint i = 0; i < layers->len; i++)
    g_assert_true (atlas_layer_state_get_visible (state, layers->pdata[i]));
  g_assert_true (atlas_layer_state_set_visible_ids (state, "", &error));
  for (guint i = 0; i < layers->len; i++)
    g_assert_false (atlas_layer_state_get_visible (state, layers->pdata[i]));
}

/* A snapshot keeps the state of its moment; later changes make new ones. */
static void
test_state_snapshot (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  AtlasOverlayLayer *airports = layer ("transport.airports");
  AtlasOverlayLayer *commuting = layer ("circles.commuting");
  AtlasOverlayFeature *circle = feature ("commuting_circle");
  g_autoptr(AtlasVisibility) before = atlas_layer_state_snapshot (state);
  g_autoptr(AtlasVisibility) after = NULL;
  g_autoptr(AtlasVisibility) book = NULL;
  AtlasVisibility *copy;

  g_assert_true (G_TYPE_IS_BOXED (ATLAS_TYPE_VISIBILITY));
  atlas_layer_state_set_visible (state, airports, TRUE);
  atlas_layer_state_set_opacity (state, airports, 0.4);
  atlas_layer_state_set_feature_visible (state, circle, FALSE);
  after = atlas_layer_state_snapshot (state);

  g_assert_false (atlas_visibility_layer_visible (before, airports));
  g_assert_cmpfloat (atlas_visibility_layer_opacity (before, airports), ==, 1.0);
  g_assert_false (atlas_visibility_feature_hidden (before, circle));
  g_assert_true (atlas_visibility_feature_shown (before, circle));
  g_assert_true (atlas_visibility_layer_visible (after, airports));
  g_assert_cmpfloat (atlas_visibility_layer_opacity (after, airports), ==, 0.4);
  g_assert_true (atlas_visibility_feature_hidden (after, circle));
  g_assert_false (atlas_visibility_feature_shown (after, circle));
  g_assert_false (atlas_visibility_equal (before, after));

  /* a boxed copy is the same snapshot */
  copy = g_boxed_copy (ATLAS_TYPE_VISIBILITY, after);
  g_assert_true (copy == after);
  g_boxed_free (ATLAS_TYPE_VISIBILITY, copy);

  /* a briefing book's: one group's layers, the rest as it was */
  book = atlas_visibility_new_group (after, atlas_overlays_lookup_group (data->overlays, "circles"));
  g_assert_true (atlas_visibility_layer_visible (book, commuting));
  g_assert_false (atlas_visibility_layer_visible (book, airports));
  g_assert_cmpfloat (atlas_visibility_layer_opacity (book, airports), ==, 0.4);
  g_assert_true (atlas_visibility_feature_hidden (book, circle));
}

static void
test_state_unknown_id (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasVisibility) before = atlas_layer_state_snapshot (state);
  g_autoptr(AtlasVisibility) after = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (state, "changed", G_CALLBACK (count_changes), &changes);
  g_assert_false (atlas_layer_state_set_visible_ids (state, "ecology,no_such_layer", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no_such_layer"));
  g_test_message ("%s", error->message);
  after = atlas_layer_state_snapshot (state);
  g_assert_true (atlas_visibility_equal (after, before));
  g_assert_cmpuint (changes, ==, 0);
}

static void
test_state_variant_round_trip (void)
{
  g_autoptr(AtlasLayerState) a = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasLayerState) b = atlas_layer_state_new (data->overlays);
  guint n = atlas_overlays_get_layers (data->overlays)->len;
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(GVariant) partial = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  guint changes = 0;

  g_assert_true (atlas_layer_state_set_visible_ids (a, "transport.airports,ecology,circles.functional", &error));
  atlas_layer_state_set_opacity (a, layer ("transport.airports"), 0.4);
  atlas_layer_state_set_opacity (a, layer ("circles.core_area"), 0.25);   /* hidden, kept */
  saved = g_variant_ref_sink (atlas_layer_state_to_variant (a));
  g_assert_true (g_variant_is_of_type (saved, G_VARIANT_TYPE ("a{s(bd)}")));
  g_assert_cmpuint (g_variant_n_children (saved), ==, n);

  g_signal_connect (b, "changed", G_CALLBACK (count_changes), &changes);
  atlas_layer_state_apply_variant (b, saved);
  g_assert_cmpuint (changes, ==, 1);
  for (guint i = 0; i < n; i++)
    {
      AtlasOverlayLayer *l = atlas_overlays_get_layers (data->overlays)->pdata[i];

      g_assert_cmpint (atlas_layer_state_get_visible (a, l), ==, atlas_layer_state_get_visible (b, l));
      g_assert_cmpfloat_with_epsilon (atlas_layer_state_get_opacity (a, l),
                                      atlas_layer_state_get_opacity (b, l), 1e-12);
    }
  g_assert_cmpfloat (atlas_layer_state_get_opacity (b, layer ("transport.airports")), ==, 0.4);

  /* a saved state from another data set: unknown ids are skipped, the
   * others applied, opacity clamped */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(bd)}"));
  g_variant_builder_add (&builder, "{s(bd)}", "gone.layer", TRUE, 0.5);
  g_variant_builder_add (&builder, "{s(bd)}", "safety.river_systems", TRUE, 7.0);
  g_variant_builder_add (&builder, "{s(bd)}", "transport.airports", FALSE, 0.4);
  partial = g_variant_ref_sink (g_variant_builder_end (&builder));
  atlas_layer_state_apply_variant (b, partial);
  g_assert_true (atlas_layer_state_get_visible (b, layer ("safety.river_systems")));
  g_assert_cmpfloat (atlas_layer_state_get_opacity (b, layer ("safety.river_systems")), ==, 1.0);
  g_assert_false (atlas_layer_state_get_visible (b, layer ("transport.airports")));
  g_assert_true (atlas_layer_state_get_visible (b, layer ("circles.functional")));

  /* a wrong type changes nothing */
  changes = 0;
  {
    g_autoptr(GVariant) wrong = g_variant_ref_sink (g_variant_new_string ("circles"));

    atlas_layer_state_apply_variant (b, wrong);
    atlas_layer_state_apply_variant (b, NULL);
  }
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (atlas_layer_state_get_visible (b, layer ("safety.river_systems")));
}

static void
test_state_changed_signal (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  AtlasOverlayLayer *airports = layer ("transport.airports");
  AtlasOverlayLayer *commuting = layer ("circles.commuting");
  guint changes = 0;

  g_signal_connect (state, "changed", G_CALLBACK (count_changes), &changes);

  atlas_layer_state_set_visible (state, airports, TRUE);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (atlas_layer_state_get_visible (state, airports));
  atlas_layer_state_set_visible (state, airports, TRUE);   /* no change, no signal */
  g_assert_cmpuint (changes, ==, 1);

  atlas_layer_state_set_opacity (state, commuting, 0.5);
  g_assert_cmpuint (changes, ==, 2);
  atlas_layer_state_set_opacity (state, commuting, 0.5);
  g_assert_cmpuint (changes, ==, 2);
  atlas_layer_state_set_opacity (state, commuting, 3.0);   /* clamped */
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpfloat (atlas_layer_state_get_opacity (state, commuting), ==, 1.0);

  atlas_layer_state_set_group_visible (state, atlas_overlays_lookup_group (data->overlays, "circles"), FALSE);
  g_assert_cmpuint (changes, ==, 4);
  g_assert_false (atlas_layer_state_get_visible (state, commuting));
  atlas_layer_state_set_group_visible (state, atlas_overlays_lookup_group (data->overlays, "circles"), FALSE);
  g_assert_cmpuint (changes, ==, 4);

  atlas_layer_state_show_only (state, commuting);
  g_assert_cmpuint (changes, ==, 5);
  g_assert_true (atlas_layer_state_get_visible (state, commuting));
  g_assert_false (atlas_layer_state_get_visible (state, airports));

  atlas_layer_state_set_all_visible (state, TRUE);
  g_assert_cmpuint (changes, ==, 6);
  g_assert_true (atlas_layer_state_get_visible (state, airports));
}

static void
test_state_empty_overlays (void)
{
  g_autoptr(AtlasOverlays) empty = atlas_overlays_new_empty ();
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (empty);
  g_autoptr(GVariant) v = g_variant_ref_sink (atlas_layer_state_to_variant (state));
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_variant_n_children (v), ==, 0);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "", &error));
  g_assert_false (atlas_layer_state_set_visible_ids (state, "circles", &error));
  g_assert_nonnull (error);
  g_assert_null (hit_state (state, 0.8, 0.4, 9, 4));
}

/* Broken layer files: tests/data/layers-broken/CASE/CASE.json, each a
 * folder of one small group file, loaded against the real base map,
 * gazetteer and plan. */

typedef struct
{
  const char *name;       /* folder and file name */
  int         code;
  const char *feature;    /* the id the message must name, or NULL */
  const char *detail;     /* a word the message must contain */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "unknown-county", ATLAS_OVERLAYS_ERROR_REFERENCE, "bad_county_zone", "999999" },
  { "unknown-place", ATLAS_OVERLAYS_ERROR_REFERENCE, "bad_place_line", "no_such_place" },
  { "unknown-point", ATLAS_OVERLAYS_ERROR_REFERENCE, "bad_point", "atlantis" },
  { "no-plan-refs", ATLAS_OVERLAYS_ERROR_SYNTAX, "uncited_zone", "plan_refs" },
  { "empty-plan-refs", ATLAS_OVERLAYS_ERROR_SYNTAX, "uncited_point", "plan_refs" },
  { "unknown-section", ATLAS_OVERLAYS_ERROR_REFERENCE, "miscited_zone", "9.9" },
  { "malformed-json", ATLAS_OVERLAYS_ERROR_SYNTAX, NULL, "JSON" },
  { "two-geometries", ATLAS_OVERLAYS_ERROR_SYNTAX, "double_geometry", "geometry" },
  { "no-geometry", ATLAS_OVERLAYS_ERROR_SYNTAX, "shapeless", "geometry" },
  { "unknown-class", ATLAS_OVERLAYS_ERROR_REFERENCE, "unstyled_zone", "no_such_class" },
  { "duplicate-id", ATLAS_OVERLAYS_ERROR_SYNTAX, "dup_zone", "used twice" },
  { "ring-not-schematic", ATLAS_OVERLAYS_ERROR_SYNTAX, "plain_ring", "schematic" },
  { "bad-coordinates", ATLAS_OVERLAYS_ERROR_GEOMETRY, "far_away", "range" },
  { "bad-colour", ATLAS_OVERLAYS_ERROR_SYNTAX, NULL, "colour" },
  { "top-level-array", ATLAS_OVERLAYS_ERROR_SYNTAX, NULL, "object" },
  { "coordinate-types", ATLAS_OVERLAYS_ERROR_GEOMETRY, "typed_coordinates", "[lon, lat]" },
  { "dash-types", ATLAS_OVERLAYS_ERROR_SYNTAX, NULL, "dash" },
  { "duplicate-across-files", ATLAS_OVERLAYS_ERROR_SYNTAX, "mini_beisan", "used twice" },
};

static AtlasOverlays *
load_fixture (const char  *name,
              GError     **error)
{
  g_autofree char *path = g_build_filename (BROKEN_DIR, name, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFile) cache_dir = atlas_data_get_cache_dir ();

  return atlas_overlays_new_from_directory (dir, data->basemap, data->gazetteer, data->plan, cache_dir, NULL,
                                            error);
}

static void
test_broken (gconstpointer user_data)
{
  const BrokenCase *c = user_data;
  g_autofree char *file = g_strconcat (c->name, ".json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasOverlays) overlays = load_fixture (c->name, &error);

  g_assert_null (overlays);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, ATLAS_OVERLAYS_ERROR, c->code);
  /* the message names the file, the feature and what is wrong with it */
  if (strstr (error->message, file) == NULL)
    g_error ("the message “%s” does not name the file %s", error->message, file);
  if (c->feature != NULL && strstr (error->message, c->feature) == NULL)
    g_error ("the message “%s” does not name the feature %s", error->message, c->feature);
  if (strstr (error->message, c->detail) == NULL)
    g_error ("the message “%s” does not say “%s”", error->message, c->detail);
}

static void
test_valid_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasOverlays) overlays = load_fixture ("valid-minimal", &error);
  AtlasOverlayFeature *zone, *line, *point, *ring;
  g_autoptr(AtlasLayerState) state = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (overlays);
  g_assert_cmpuint (atlas_overlays_get_groups (overlays)->len, ==, 1);
  g_assert_cmpuint (atlas_overlays_get_layers (overlays)->len, ==, 3);
  g_assert_cmpuint (atlas_overlays_get_features (overlays)->len, ==, 4);

  zone = atlas_overlays_lookup_feature (overlays, "mini_beisan");
  g_assert_nonnull (zone);
  g_assert_cmpint (zone->shape, ==, ATLAS_SHAPE_POLYGON);
  g_assert_cmpint (zone->source, ==, ATLAS_SOURCE_COUNTIES);
  g_assert_cmpuint (zone->counties->len, ==, 3);
  g_assert_cmpstr (zone->plan_refs[0], ==, "4.1.2");
  g_assert_nonnull (zone->style);
  g_assert_true (zone->style->has_fill);
  g_assert_cmpfloat_with_epsilon (zone->style->fill.r, 0x11 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (zone->style->fill.a, 0x80 / 255.0, 1e-9);
  /* 三河 ≈ 643, 大厂 ≈ 176, 香河 ≈ 458 km² */
  g_test_message ("北三县: %.0f km²", zone->area_km2);
  g_assert_cmpfloat (fabs (zone->area_km2 - zone->stated_area_km2) / zone->stated_area_km2, <, 0.05);

  line = atlas_overlays_lookup_feature (overlays, "mini_line");
  g_assert_nonnull (line);
  g_assert_cmpint (line->shape, ==, ATLAS_SHAPE_LINE);
  g_assert_cmpfloat (line->band_km, ==, 10);
  g_assert_true (line->directed);

  point = atlas_overlays_lookup_feature (overlays, "mini_airport");
  g_assert_nonnull (point);
  g_assert_cmpint (point->shape, ==, ATLAS_SHAPE_POINT);
  g_assert_cmpint (point->style->symbol, ==, ATLAS_SYMBOL_AIRPORT);
  g_assert_cmpfloat_with_epsilon (point->anchor_lon, 116.4105, 1e-6);
  g_assert_cmpfloat_with_epsilon (point->anchor_lat, 39.5098, 1e-6);

  ring = atlas_overlays_lookup_feature (overlays, "mini_ring");
  g_assert_nonnull (ring);
  g_assert_true (ring->schematic);
  g_assert_cmpint (ring->shape, ==, ATLAS_SHAPE_POLYGON);
  /* π × 10² */
  g_assert_cmpfloat (fabs (ring->area_km2 - G_PI * 100) / (G_PI * 100), <, 0.02);

  state = atlas_layer_state_new (overlays);
  g_assert_true (hit_state (state, point->anchor.x, point->anchor.y, 9, 2) == NULL);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "mini", &error));
  g_assert_true (hit_state (state, point->anchor.x, point->anchor.y, 9, 2) == point);
}

static void
test_missing_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasOverlays) overlays = load_fixture ("no-such-folder", &error);

  g_assert_null (overlays);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
}

static void
test_empty_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atlas-layers-XXXXXX", &error);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFile) cache_dir = atlas_data_get_cache_dir ();
  g_autoptr(AtlasOverlays) overlays = NULL;

  g_assert_no_error (error);
  overlays = atlas_overlays_new_from_directory (file, data->basemap, data->gazetteer, data->plan, cache_dir, NULL,
                                                &error);
  g_assert_null (overlays);
  g_assert_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX);
  g_test_message ("%s", error->message);
  g_rmdir (dir);
}

/* A broken layer file costs its own group only: the others load, and
 * the problem names the file. */
static void
test_broken_file_left_out (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atlas-maps-XXXXXX", &error);
  g_autofree char *layers = g_build_filename (dir, "layers", NULL);
  const char *groups[] = { "circles", "structure", "crossborder", "industry", "transport", "ecology",
                           "culture", "safety" };
  g_autoptr(GFile) maps = g_file_new_for_path (dir);
  g_autoptr(AtlasData) loaded = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (layers, 0755), ==, 0);
  for (const char **name = (const char *[]) { "basemap", "gazetteer.tsv", "plan", NULL }; *name; name++)
    {
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_MAPS_DIR, *name, NULL);
      g_autofree char *to = g_build_filename (dir, *name, NULL);
      g_assert_cmpint (symlink (from, to), ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.json", groups[i]);
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_MAPS_DIR, "layers", file, NULL);
      g_autofree char *to = g_build_filename (layers, file, NULL);

      if (g_str_equal (groups[i], "ecology"))
        g_assert_true (g_file_set_contents (to, "{ \"id\": \"ecology\", \"layers\": [", -1, NULL));
      else
        g_assert_cmpint (symlink (from, to), ==, 0);
    }

  loaded = atlas_data_load (maps, TRUE);
  g_assert_cmpuint (loaded->problems->len, ==, 1);
  g_test_message ("%s", (char *) loaded->problems->pdata[0]);
  g_assert_nonnull (strstr (loaded->problems->pdata[0], "ecology.json"));
  g_assert_cmpuint (atlas_overlays_get_groups (loaded->overlays)->len, ==, 7);
  g_assert_null (atlas_overlays_lookup_group (loaded->overlays, "ecology"));
  g_assert_nonnull (atlas_overlays_lookup_feature (loaded->overlays, "commuting_circle"));
  /* indices are dense after leaving a file out */
  for (guint i = 0; i < atlas_overlays_get_features (loaded->overlays)->len; i++)
    g_assert_cmpuint (((AtlasOverlayFeature *) atlas_overlays_get_features (loaded->overlays)->pdata[i])->index, ==, i);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s.json", layers, groups[i]);
      g_unlink (file);
    }
  g_rmdir (layers);
  for (const char **name = (const char *[]) { "basemap", "gazetteer.tsv", "plan", NULL }; *name; name++)
    {
      g_autofree char *path = g_build_filename (dir, *name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Features switched off: by hit testing, and kept in the settings' form. */
static void
test_hidden_features (void)
{
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasLayerState) restored = atlas_layer_state_new (data->overlays);
  g_autoptr(GVariant) saved = NULL;
  AtlasOverlayFeature *commuting = feature ("commuting_circle");
  double x = atlas_geo_lon_to_world_x (116.70), y = atlas_geo_lat_to_world_y (39.52);
  AtlasOverlayFeature *f;

  g_assert_true (atlas_layer_state_get_feature_visible (state, commuting));
  f = hit_state (state, x, y, 9, 4);
  g_assert_true (f == commuting);

  atlas_layer_state_set_feature_visible (state, commuting, FALSE);
  f = hit_state (state, x, y, 9, 4);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "functional_circle");

  saved = g_variant_ref_sink (atlas_layer_state_hidden_to_variant (state));
  g_assert_cmpuint (g_variant_n_children (saved), ==, 1);
  atlas_layer_state_apply_hidden_variant (restored, saved);
  g_assert_false (atlas_layer_state_get_feature_visible (restored, commuting));
  g_assert_true (atlas_layer_state_get_feature_visible (restored, feature ("functional_circle")));
}

static void
assert_same_zones (AtlasData *a,
                   AtlasData *b)
{
  GPtrArray *fa = atlas_overlays_get_features (a->overlays), *fb = atlas_overlays_get_features (b->overlays);

  g_assert_cmpuint (fa->len, ==, fb->len);
  for (guint i = 0; i < fa->len; i++)
    {
      AtlasOverlayFeature *x = fa->pdata[i], *y = fb->pdata[i];

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_true (isnan (x->area_km2) == isnan (y->area_km2));
      if (!isnan (x->area_km2))
        g_assert_cmpfloat_with_epsilon (x->area_km2, y->area_km2, 1e-6);
      g_assert_cmpuint (x->counties->len, ==, y->counties->len);
      g_assert_cmpuint (x->geom[ATLAS_N_BANDS - 1].n_points, ==, y->geom[ATLAS_N_BANDS - 1].n_points);
    }
}

/* The unions kept on disk give the same zones as computing them, and a
 * damaged cache file is only a cache miss. */
static void
test_union_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-cache-XXXXXX", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("ATLAS_CACHE_DIR"));
  g_autoptr(AtlasData) first = NULL;
  g_autoptr(AtlasData) second = NULL;
  g_autoptr(AtlasData) third = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint files = 0;

  g_setenv ("ATLAS_CACHE_DIR", dir, TRUE);
  first = atlas_data_load (NULL, TRUE);
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      files++;
      g_assert_true (g_str_has_prefix (name, "unions-"));
      /* second run: from the cache */
      second = atlas_data_load (NULL, TRUE);
      g_test_message ("computed in %.0f ms, from the cache in %.0f ms", first->load_ms, second->load_ms);
      assert_same_zones (first, second);
      /* damaged: truncated in the middle of an entry */
      g_assert_true (g_file_set_contents (path, "ATLU\1\0\0\0\5\0\0\0\xff\xff\0\0garbage", 21, NULL));
      third = atlas_data_load (NULL, TRUE);
      g_assert_cmpuint (third->problems->len, ==, 0);
      assert_same_zones (first, third);
      g_unlink (path);
    }
  g_assert_cmpuint (files, ==, 1);
  g_rmdir (dir);
  if (saved != NULL)
    g_setenv ("ATLAS_CACHE_DIR", saved, TRUE);
  else
    g_unsetenv ("ATLAS_CACHE_DIR");
}

/* Asynchronous loading */

static void
async_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (object);
  *out = g_object_ref (result);
}

static GAsyncResult *
load_async (GCancellable *cancellable)
{
  g_autoptr(GFile) cache_dir = atlas_data_get_cache_dir ();
  GAsyncResult *result = NULL;

  atlas_data_load_overlays_async (data, NULL, cache_dir, cancellable, async_loaded_cb, &result);
  g_assert_null (result);  /* the callback is never called before the call returns */
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

/* The async pair loads the same layers as the synchronous loader, with the
 * figures and the plan index, and the data it reads unchanged. */
static void
test_load_async (void)
{
  g_autoptr(GAsyncResult) result = load_async (NULL);
  g_autoptr(AtlasOverlays) overlays = NULL;
  g_autoptr(AtlasFigures) figures = NULL;
  g_autoptr(AtlasPlanIndex) index = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  AtlasOverlays *before = data->overlays;

  g_assert_true (g_async_result_is_tagged (result, atlas_data_load_overlays_async));
  overlays = atlas_data_load_overlays_finish (data, result, &figures, &index, &problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (overlays);
  g_assert_true (overlays != before);
  g_assert_true (data->overlays == before);
  g_assert_cmpuint (atlas_overlays_get_layers (overlays)->len, ==,
                    atlas_overlays_get_layers (data->overlays)->len);
  g_assert_cmpuint (atlas_overlays_get_layers (overlays)->len, >=, 50);
  g_assert_cmpuint (atlas_overlays_get_features (overlays)->len, ==,
                    atlas_overlays_get_features (data->overlays)->len);
  for (guint i = 0; i < atlas_overlays_get_layers (data->overlays)->len; i++)
    {
      AtlasOverlayLayer *l = g_ptr_array_index (atlas_overlays_get_layers (data->overlays), i);

      g_assert_nonnull (atlas_overlays_lookup_layer (overlays, l->id));
    }
  g_assert_nonnull (figures);
  g_assert_nonnull (index);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_load_async_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AtlasOverlays) overlays = NULL;
  g_autoptr(AtlasFigures) figures = NULL;
  g_autoptr(AtlasPlanIndex) index = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  result = load_async (cancellable);
  overlays = atlas_data_load_overlays_finish (data, result, &figures, &index, &problems, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (overlays);
  g_assert_null (figures);
  g_assert_null (index);
  g_assert_null (problems);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();
  g_assert_cmpuint (atlas_overlays_get_features (data->overlays)->len, >, 0);

  g_test_add_func ("/atlas/overlays/circle-areas", test_circle_areas);
  g_test_add_func ("/atlas/overlays/broken-file-left-out", test_broken_file_left_out);
  g_test_add_func ("/atlas/overlays/union-cache", test_union_cache);
  g_test_add_func ("/atlas/overlays/hidden-features", test_hidden_features);
  g_test_add_func ("/atlas/overlays/stated-areas", test_stated_areas);
  g_test_add_func ("/atlas/overlays/circle-members", test_circle_members);
  g_test_add_func ("/atlas/overlays/nesting", test_nesting);
  g_test_add_func ("/atlas/overlays/plan-refs", test_plan_refs);
  g_test_add_func ("/atlas/overlays/catalogue", test_catalogue);
  g_test_add_func ("/atlas/overlays/hit/smallest-zone", test_hit_smallest_zone);
  g_test_add_func ("/atlas/overlays/hit/symbol-first", test_hit_symbol_first);
  g_test_add_func ("/atlas/overlays/layer-state/defaults", test_state_defaults);
  g_test_add_func ("/atlas/overlays/layer-state/visible-ids", test_state_visible_ids);
  g_test_add_func ("/atlas/overlays/layer-state/unknown-id", test_state_unknown_id);
  g_test_add_func ("/atlas/overlays/layer-state/snapshot", test_state_snapshot);
  g_test_add_func ("/atlas/overlays/layer-state/variant-round-trip", test_state_variant_round_trip);
  g_test_add_func ("/atlas/overlays/layer-state/changed-signal", test_state_changed_signal);
  g_test_add_func ("/atlas/overlays/layer-state/empty-overlays", test_state_empty_overlays);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/atlas/overlays/broken/%s", broken_cases[i].name);
      g_test_add_data_func (path, &broken_cases[i], test_broken);
    }
  g_test_add_func ("/atlas/overlays/broken/missing-directory", test_missing_directory);
  g_test_add_func ("/atlas/overlays/broken/empty-directory", test_empty_directory);
  g_test_add_func ("/atlas/overlays/valid-minimal", test_valid_minimal);
  g_test_add_func ("/atlas/overlays/load-async", test_load_async);
  g_test_add_func ("/atlas/overlays/load-async/cancelled", test_load_async_cancelled);

  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
