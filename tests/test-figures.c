/* test-figures.c — the plan's six figures (maps/figures.json): titles as
 * the plan names them, layer sets and emphasis, extents, and files that
 * name what does not exist */

#include <math.h>
#include <string.h>

#include "model/atlas-data.h"
#include "model/atlas-figures.h"
#include "atlas-resources.h"
#include "atlas-test-util.h"

static AtlasData *data;

static AtlasFigures *
parse (const char  *json,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  return atlas_figures_new_from_bytes (bytes, "test.json", data->overlays, data->plan, error);
}

/* The six figures carry exactly the captions the plan lists after its last
 * chapter (附图, in plan.json as the section "figures"). */
static void
test_titles_as_the_plan_names_them (void)
{
  const AtlasSection *section = atlas_plan_lookup (data->plan, "figures");

  g_assert_nonnull (data->figures);
  g_assert_nonnull (section);
  g_assert_cmpuint (section->n_paragraphs, ==, 6);
  g_assert_cmpuint (atlas_figures_get_n_figures (data->figures), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      const AtlasFigure *f = atlas_figures_get_figure (data->figures, i);

      g_assert_cmpuint (f->number, ==, i + 1);
      g_assert_true (atlas_figures_lookup (data->figures, i + 1) == f);
      g_assert_cmpstr (f->title_zh, ==, section->paragraphs[i].text);
      g_assert_true (g_str_has_prefix (f->title_en, "Figure 0"));
    }
  g_assert_cmpstr (atlas_figures_lookup (data->figures, 2)->title_zh, ==, "图02 首都都市圈空间结构规划图");
  g_assert_null (atlas_figures_lookup (data->figures, 7));
  g_assert_null (atlas_figures_lookup (data->figures, 0));
}

/* Each figure shows what its caption names, stressed; and frames it. */
static void
test_layers_emphasis_and_extent (void)
{
  struct
  {
    guint       number;
    const char *stressed;   /* a layer at full opacity */
    const char *muted;      /* shown, muted; NULL: none checked */
    const char *absent;     /* not shown */
    const char *feature;    /* a feature inside the extent */
  } cases[] = {
    { 1, "circles.functional", "structure.nodes", "ecology.screen", "functional_circle" },
    { 2, "structure.corridors", "circles.industrial", "culture.belts", "xiongan_new_area" },
    { 3, "culture.mountain_sea_axes", "culture.heritage_trails", "transport.radial", "wh_chengde_mountain_resort" },
    { 4, "industry.belts", "industry.lines", "transport.airports", "plat_zgc" },
    { 5, "transport.rings", "circles.functional", "industry.belts", "port_tianjin" },
    { 6, "ecology.screen", "ecology.sand_belt", "culture.belts", "lake_baiyangdian" },
  };
  GPtrArray *layers = atlas_overlays_get_layers (data->overlays);
  double muted = atlas_figures_get_muted_opacity (data->figures);

  g_assert_cmpfloat (muted, >, 0.1);
  g_assert_cmpfloat (muted, <, 0.9);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const AtlasFigure *f = atlas_figures_lookup (data->figures, cases[c].number);
      AtlasOverlayLayer *stressed = atlas_test_layer (data, cases[c].stressed);
      AtlasOverlayLayer *absent = atlas_test_layer (data, cases[c].absent);
      AtlasOverlayFeature *inside = atlas_test_feature (data, cases[c].feature);
      AtlasRect r = atlas_figure_get_extent (f);
      g_autoptr(GVariant) state = NULL;
      g_autoptr(AtlasVisibility) vis = atlas_figure_get_visibility (data->figures, f, data->overlays);
      guint shown = 0;
      gboolean v;
      double o;

      g_assert_true (atlas_visibility_layer_visible (vis, stressed));
      g_assert_cmpfloat (atlas_visibility_layer_opacity (vis, stressed), ==, 1.0);
      g_assert_false (atlas_visibility_layer_visible (vis, absent));
      if (cases[c].muted != NULL)
        {
          AtlasOverlayLayer *m = atlas_test_layer (data, cases[c].muted);

          g_assert_true (atlas_visibility_layer_visible (vis, m));
          g_assert_cmpfloat (atlas_visibility_layer_opacity (vis, m), ==, muted);
        }
      for (guint i = 0; i < layers->len; i++)
        shown += atlas_visibility_layer_visible (vis, layers->pdata[i]);
      g_assert_cmpuint (shown, >=, 4);
      g_assert_cmpuint (shown, <, layers->len / 2);

      /* the extent holds the figure's subject and lies in the region */
      g_assert_cmpfloat (inside->anchor.x, >, r.x0);
      g_assert_cmpfloat (inside->anchor.x, <, r.x1);
      g_assert_cmpfloat (inside->anchor.y, >, r.y0);
      g_assert_cmpfloat (inside->anchor.y, <, r.y1);
      g_assert_cmpfloat (f->west, >=, 112);
      g_assert_cmpfloat (f->east, <=, 122);

      /* the same as a saved layer state */
      state = g_variant_ref_sink (atlas_figure_to_layer_variant (data->figures, f, data->overlays));
      g_assert_cmpuint (g_variant_n_children (state), ==, layers->len);
      g_assert_true (g_variant_lookup (state, cases[c].stressed, "(bd)", &v, &o));
      g_assert_true (v);
      g_assert_cmpfloat (o, ==, 1.0);
      g_assert_true (g_variant_lookup (state, cases[c].absent, "(bd)", &v, &o));
      g_assert_false (v);

      /* every section it cites exists (checked on load) */
      g_assert_nonnull (atlas_plan_lookup (data->plan, f->plan_refs[0]));
    }
}

static void
test_group_ids_name_their_layers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasFigures) figures = parse (
    "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"Figure 01 Test\","
    " \"plan_refs\": [\"3.2.3\"], \"extent\": [114, 38, 119, 41], \"layers\": [\"transport\"],"
    " \"emphasis\": [\"transport.rings\"]}], \"muted_opacity\": 0.25}", &error);
  g_autoptr(AtlasVisibility) vis = NULL;

  g_assert_no_error (error);
  vis = atlas_figure_get_visibility (figures, atlas_figures_lookup (figures, 1), data->overlays);
  g_assert_true (atlas_visibility_layer_visible (vis, atlas_test_layer (data, "transport.airports")));
  g_assert_cmpfloat (atlas_visibility_layer_opacity (vis, atlas_test_layer (data, "transport.airports")), ==, 0.25);
  g_assert_cmpfloat (atlas_visibility_layer_opacity (vis, atlas_test_layer (data, "transport.rings")), ==, 1.0);
  g_assert_false (atlas_visibility_layer_visible (vis, atlas_test_layer (data, "circles.commuting")));
}

/* A broken file is an error that names what is wrong. */
static void
test_bad_files (void)
{
  struct
  {
    const char *json;
    int         code;
    const char *words;
  } cases[] = {
    { "{\"figures\": [", ATLAS_FIGURES_ERROR_SYNTAX, "test.json" },
    { "[1, 2]", ATLAS_FIGURES_ERROR_SYNTAX, "not a JSON object" },
    { "{\"figures\": []}", ATLAS_FIGURES_ERROR_SYNTAX, "figures" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles.atlantis\"]}]}",
      ATLAS_FIGURES_ERROR_REFERENCE, "circles.atlantis" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"], \"emphasis\": [\"ecology.screen\"]}]}",
      ATLAS_FIGURES_ERROR_REFERENCE, "ecology.screen" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"9.9\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_REFERENCE, "9.9" },
    { "{\"figures\": [{\"number\": 2, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_VALUE, "图02" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [119, 38, 114, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_VALUE, "extent" },
    { "{\"figures\": [{\"number\": 1.5, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_VALUE, "number" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_SYNTAX, "title_en" },
    { "{\"figures\": [{\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]},"
      " {\"number\": 1, \"title_zh\": \"图01 测试\", \"title_en\": \"F\", \"plan_refs\": [\"2.5\"],"
      " \"extent\": [114, 38, 119, 41], \"layers\": [\"circles\"]}]}",
      ATLAS_FIGURES_ERROR_VALUE, "two figures" },
    { "{\"muted_opacity\": 3, \"figures\": [{\"number\": 1}]}", ATLAS_FIGURES_ERROR_VALUE, "muted_opacity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlasFigures) figures = parse (cases[i].json, &error);

      g_assert_null (figures);
      g_assert_error (error, ATLAS_FIGURES_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

/* Without the layers (the command line checks --figure before any window
 * opens) only the file itself is checked. */
static void
test_without_layers (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/capitalatlas/CapitalAtlas/maps/figures.json",
                                                     0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasFigures) figures = NULL;
  guint n;

  g_assert_nonnull (bytes);
  figures = atlas_figures_new_from_bytes (bytes, "figures.json", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (atlas_figures_get_n_figures (figures), ==, 6);

  g_assert_true (atlas_figure_parse_number ("2", &n));
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (atlas_figure_parse_number ("06", &n));
  g_assert_cmpuint (n, ==, 6);
  g_assert_false (atlas_figure_parse_number ("0", &n));
  g_assert_false (atlas_figure_parse_number ("two", &n));
  g_assert_false (atlas_figure_parse_number ("2x", &n));
  g_assert_false (atlas_figure_parse_number ("", &n));
  g_assert_false (atlas_figure_parse_number (NULL, &n));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/figures/titles-as-the-plan-names-them", test_titles_as_the_plan_names_them);
  g_test_add_func ("/atlas/figures/layers-emphasis-and-extent", test_layers_emphasis_and_extent);
  g_test_add_func ("/atlas/figures/group-ids-name-their-layers", test_group_ids_name_their_layers);
  g_test_add_func ("/atlas/figures/bad-files", test_bad_files);
  g_test_add_func ("/atlas/figures/without-layers", test_without_layers);
  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
