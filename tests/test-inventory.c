/* test-inventory.c — every spatial element the plan names is on the map
 *
 * maps/plan/inventory.tsv lists, section by section, every place, area,
 * line and structure of the plan with the phrase as printed, whether it
 * can be located and the features (or base-map units, or collective names)
 * that draw it. These tests hold the layers to it: a locatable element has
 * a feature, a feature cites the section that defines the element, and the
 * drawn geometry touches the counties the phrase names. They also check the
 * shapes that say something (corridors through all their segments, ring
 * corridors as lines, townships making their county a member) and that no
 * short name is counted inside a longer term of the plan.
 */

#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "model/atlas-data.h"
#include "model/atlas-plan-index.h"
#include "atlas-test-util.h"

#define INVENTORY ATLAS_SOURCE_MAPS_DIR "/plan/inventory.tsv"
#define ALIASES_RESOURCE "/io/github/capitalatlas/CapitalAtlas/maps/plan/aliases.json"
#define READING_RESOURCE "/io/github/capitalatlas/CapitalAtlas/maps/plan/reading.json"

enum { COL_SECTION, COL_PHRASE, COL_GROUP, COL_KIND, COL_LOCATED, COL_ROLE, COL_DRAW, COL_COUNTIES,
       COL_NOTE, N_COLS };

static AtlasData *data;
static AtlasPlanIndex *plan_index;
static GPtrArray *rows;   /* char ** of N_COLS */

static void
load_inventory (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (INVENTORY, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "section\tphrase\tgroup\tkind\tlocated\trole\tdraw\tcounties\tnote");
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **cols;

      if (*lines[i] == '\0')
        continue;
      cols = g_strsplit (lines[i], "\t", N_COLS);
      if (g_strv_length (cols) != N_COLS)
        g_error ("inventory.tsv line %u: %u columns instead of %u", i + 1, g_strv_length (cols), N_COLS);
      g_ptr_array_add (rows, cols);
    }
}

static const AtlasSection *
find_section (const char *id)
{
  guint n;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (sections[i].id, id))
      return &sections[i];
  return NULL;
}

static gboolean
section_within (const char *id,
                const char *ancestor)
{
  gsize n = strlen (ancestor);

  return g_str_equal (id, ancestor) || (strncmp (id, ancestor, n) == 0 && id[n] == '.');
}

static gboolean
cites (const AtlasOverlayFeature *f,
       const char                *section)
{
  for (guint i = 0; f->plan_refs[i] != NULL; i++)
    if (section_within (section, f->plan_refs[i]))
      return TRUE;
  for (guint i = 0; f->layer->plan_refs[i] != NULL; i++)
    if (section_within (section, f->layer->plan_refs[i]))
      return TRUE;
  return FALSE;
}

/* The county entities a code stands for: a county, or every county of a
 * prefecture or province. */
static GPtrArray *
counties_of_code (const char *text)
{
  GPtrArray *out = g_ptr_array_new ();
  guint64 code;
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (data->basemap, &n);

  g_assert_true (g_ascii_string_to_unsigned (text, 10, 100000, 999999, &code, NULL));
  for (guint i = 0; i < n; i++)
    if (counties[i].code == code || counties[i].prefecture_code == code || counties[i].province_code == code)
      g_ptr_array_add (out, atlas_plan_index_get_county (plan_index, counties[i].code));
  if (out->len == 0)
    g_error ("inventory.tsv: %s is not a county, prefecture or province code", text);
  return out;
}

static gboolean
entity_in (GArray      *list,
           AtlasEntity *e)
{
  for (guint i = 0; i < list->len; i++)
    if (g_array_index (list, AtlasMembership, i).entity == e)
      return TRUE;
  return FALSE;
}

/* Whether what @draw names touches @county: a feature is one of its
 * memberships or lies inside it; a unit or collective name includes it. */
static gboolean
draw_touches (const char  *draw,
              AtlasEntity *county,
              GArray      *members,
              GArray      *inside)
{
  const AtlasCounty *c = county->ref;

  if (g_str_has_prefix (draw, "unit:"))
    {
      guint64 code = g_ascii_strtoull (draw + 5, NULL, 10);

      return c->code == code || c->prefecture_code == code || c->province_code == code;
    }
  if (g_str_has_prefix (draw, "area:"))
    {
      AtlasEntity *area = atlas_plan_index_lookup (plan_index, draw + 5);

      for (guint i = 0; area != NULL && area->counties != NULL && i < area->counties->len; i++)
        if (g_array_index (area->counties, guint32, i) == c->code)
          return TRUE;
      for (guint i = 0; area != NULL && area->partial != NULL && i < area->partial->len; i++)
        if (g_array_index (area->partial, guint32, i) == c->code)
          return TRUE;
      return FALSE;
    }
  {
    AtlasOverlayFeature *f = atlas_overlays_lookup_feature (data->overlays, draw);
    AtlasEntity *e = atlas_plan_index_get_feature (plan_index, f);

    return entity_in (members, e) || entity_in (inside, e);
  }
}

static void
test_phrases_as_printed (void)
{
  for (guint i = 0; i < rows->len; i++)
    {
      char **r = g_ptr_array_index (rows, i);
      const AtlasSection *s = find_section (r[COL_SECTION]);
      gboolean found;

      if (s == NULL)
        g_error ("inventory.tsv: no section %s", r[COL_SECTION]);
      found = strstr (s->title_zh, r[COL_PHRASE]) != NULL;
      for (guint p = 0; p < s->n_paragraphs && !found; p++)
        found = strstr (s->paragraphs[p].text, r[COL_PHRASE]) != NULL;
      if (!found)
        g_error ("inventory.tsv: “%s” is not printed in %s", r[COL_PHRASE], r[COL_SECTION]);
    }
}

static void
test_located_are_drawn (void)
{
  guint n_missing = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **r = g_ptr_array_index (rows, i);
      g_auto(GStrv) draws = g_strsplit (r[COL_DRAW], " ", -1);
      gboolean located = !g_str_equal (r[COL_LOCATED], "no");

      g_assert_true (g_strv_contains ((const char * const[]) { "drawn", "schematic", "unit", "no", NULL },
                                      r[COL_LOCATED]));
      if (located && (draws[0] == NULL || *draws[0] == '\0'))
        {
          g_test_message ("%s “%s” can be located but nothing draws it", r[COL_SECTION], r[COL_PHRASE]);
          n_missing++;
        }
      for (guint k = 0; draws[k] != NULL; k++)
        {
          if (*draws[k] == '\0')
            continue;
          if (g_str_has_prefix (draws[k], "unit:"))
            g_ptr_array_unref (counties_of_code (draws[k] + 5));
          else if (g_str_has_prefix (draws[k], "area:"))
            {
              AtlasEntity *e = atlas_plan_index_lookup (plan_index, draws[k] + 5);

              if (e == NULL)
                g_error ("inventory.tsv: %s opens nothing", draws[k]);
            }
          else if (atlas_overlays_lookup_feature (data->overlays, draws[k]) == NULL)
            g_error ("inventory.tsv: no feature %s (for “%s”)", draws[k], r[COL_PHRASE]);
        }
    }
  g_assert_cmpuint (n_missing, ==, 0);
}

static void
test_defining_sections_cited (void)
{
  guint n_bad = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **r = g_ptr_array_index (rows, i);
      g_auto(GStrv) draws = g_strsplit (r[COL_DRAW], " ", -1);

      g_assert_true (g_str_equal (r[COL_ROLE], "define") || g_str_equal (r[COL_ROLE], "mention"));
      if (!g_str_equal (r[COL_ROLE], "define"))
        continue;
      for (guint k = 0; draws[k] != NULL; k++)
        {
          AtlasOverlayFeature *f = strchr (draws[k], ':') == NULL && *draws[k] != '\0'
                                   ? atlas_overlays_lookup_feature (data->overlays, draws[k]) : NULL;

          if (f != NULL && !cites (f, r[COL_SECTION]))
            {
              g_test_message ("%s does not cite %s, which defines “%s”", f->id, r[COL_SECTION], r[COL_PHRASE]);
              n_bad++;
            }
        }
    }
  g_assert_cmpuint (n_bad, ==, 0);
}

static void
test_geometry_touches_named_counties (void)
{
  guint n_bad = 0, n_checked = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **r = g_ptr_array_index (rows, i);
      g_auto(GStrv) draws = g_strsplit (r[COL_DRAW], " ", -1);
      g_auto(GStrv) codes = g_strsplit (r[COL_COUNTIES], " ", -1);

      for (guint c = 0; codes[c] != NULL; c++)
        {
          g_autoptr(GPtrArray) counties = NULL;
          gboolean touched = FALSE;

          if (*codes[c] == '\0')
            continue;
          counties = counties_of_code (codes[c]);
          for (guint k = 0; k < counties->len && !touched; k++)
            {
              AtlasEntity *county = g_ptr_array_index (counties, k);
              g_autoptr(GArray) members = atlas_plan_index_memberships_full (plan_index, county);
              g_autoptr(GArray) inside = atlas_plan_index_inside (plan_index, county);

              for (guint d = 0; draws[d] != NULL && !touched; d++)
                touched = *draws[d] != '\0' && draw_touches (draws[d], county, members, inside);
            }
          n_checked++;
          if (!touched)
            {
              g_test_message ("“%s” (%s) names %s, which its geometry (%s) does not touch",
                              r[COL_PHRASE], r[COL_SECTION], codes[c], r[COL_DRAW]);
              n_bad++;
            }
        }
    }
  g_test_message ("%u named counties checked", n_checked);
  g_assert_cmpuint (n_checked, >, 100);
  g_assert_cmpuint (n_bad, ==, 0);
}

/* The closing note's figures: per group, elements named, located, drawn. */
static void
test_counts (void)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GList) keys = NULL;
  guint named = 0, located = 0, drawn = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **r = g_ptr_array_index (rows, i);
      guint *n = g_hash_table_lookup (groups, r[COL_GROUP]);

      if (n == NULL)
        g_hash_table_insert (groups, r[COL_GROUP], n = g_new0 (guint, 3));
      n[0]++;
      n[1] += !g_str_equal (r[COL_LOCATED], "no");
      n[2] += g_str_equal (r[COL_LOCATED], "drawn") || g_str_equal (r[COL_LOCATED], "schematic");
    }
  keys = g_list_sort (g_hash_table_get_keys (groups), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      guint *n = g_hash_table_lookup (groups, l->data);

      g_test_message ("%-12s named %3u  located %3u  drawn by features %3u", (char *) l->data, n[0], n[1], n[2]);
      named += n[0];
      located += n[1];
      drawn += n[2];
    }
  g_test_message ("%-12s named %3u  located %3u  drawn by features %3u", "all", named, located, drawn);
  g_assert_cmpuint (named, >=, 400);
  g_assert_cmpuint (located * 100, >=, named * 90);
}

static double
distance_km (const AtlasOverlayFeature *line,
             double                     lon,
             double                     lat)
{
  const AtlasGeomLayer *g = &line->geom[ATLAS_N_BANDS - 1];
  double x = atlas_geo_lon_to_world_x (lon), y = atlas_geo_lat_to_world_y (lat), best = G_MAXDOUBLE;

  for (guint p = 0; p < g->n_parts; p++)
    for (guint i = 0; i + 1 < g->parts[p].n_points; i++)
      {
        const AtlasPoint *a = &g->points[g->parts[p].first_point + i], *b = a + 1;
        double dx = b->x - a->x, dy = b->y - a->y, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? CLAMP (((x - a->x) * dx + (y - a->y) * dy) / len2, 0, 1) : 0;

        best = MIN (best, hypot (x - a->x - t * dx, y - a->y - t * dy));
      }
  return best * 40075.016686 * cos (lat * G_PI / 180);
}

/* 5.3.1 and 5.3.2 name the segments of each corridor: both drawings of
 * each corridor pass within the line buffer of every one. */
static void
test_corridors_through_segments (void)
{
  static const struct { const char *section; const char *lines[2]; } corridors[] = {
    { "5.3.1", { "corridor_jingjin", "ind_corridor_jingjin" } },
    { "5.3.2", { "corridor_jingxiong", "ind_corridor_jingxiong" } },
  };
  AtlasOverlayLayer *segments = atlas_test_layer (data, "structure.corridor_segments");

  for (guint c = 0; c < G_N_ELEMENTS (corridors); c++)
    {
      guint n = 0;

      for (guint i = 0; i < segments->features->len; i++)
        {
          AtlasOverlayFeature *seg = g_ptr_array_index (segments->features, i);
          gboolean named = FALSE;

          for (guint r = 0; seg->plan_refs[r] != NULL; r++)
            named |= g_str_equal (seg->plan_refs[r], corridors[c].section);
          if (!named)
            continue;
          n++;
          for (guint l = 0; l < 2; l++)
            {
              double d = distance_km (atlas_test_feature (data, corridors[c].lines[l]), seg->anchor_lon, seg->anchor_lat);

              if (d > ATLAS_LINE_BUFFER_KM)
                g_error ("%s passes %.1f km from %s (%s)", corridors[c].lines[l], d, seg->name_zh, corridors[c].section);
            }
        }
      g_assert_cmpuint (n, >=, 7);
    }
}

/* The ring corridors are lines: a county well inside them is not on them,
 * and a place is on one only within the buffer. */
static void
test_ring_corridors_are_lines (void)
{
  AtlasOverlayFeature *inner = atlas_test_feature (data, "tr_inner_ring");
  AtlasEntity *ring = atlas_plan_index_get_feature (plan_index, inner);
  AtlasEntity *dongcheng = atlas_plan_index_lookup (plan_index, "东城区");
  AtlasEntity *core = atlas_plan_index_lookup (plan_index, "beijing_core");
  g_autoptr(GArray) members = atlas_plan_index_memberships_full (plan_index, dongcheng);
  g_autoptr(GArray) place = atlas_plan_index_memberships_full (plan_index, core);

  g_assert_cmpint (inner->shape, ==, ATLAS_SHAPE_LINE);
  g_assert_false (entity_in (members, ring));
  g_assert_false (entity_in (place, ring));
  g_assert_cmpint (atlas_test_feature (data, "ring_capital_freight")->shape, ==, ATLAS_SHAPE_LINE);
}

/* 2.4 names four townships of 任丘 and 高阳: their counties are members of
 * 雄安新区 (in part) and list the townships inside them. */
static void
test_townships_make_members (void)
{
  static const char * const counties[] = { "任丘市", "高阳县" };
  AtlasEntity *xiongan = atlas_plan_index_get_feature (plan_index, atlas_test_feature (data, "xiongan_new_area"));

  for (guint i = 0; i < G_N_ELEMENTS (counties); i++)
    {
      AtlasEntity *county = atlas_plan_index_lookup (plan_index, counties[i]);
      g_autoptr(GArray) members = atlas_plan_index_memberships_full (plan_index, county);
      g_autoptr(GArray) inside = atlas_plan_index_inside (plan_index, county);
      g_autoptr(GPtrArray) passages = atlas_plan_index_inside_mentions (plan_index, county, inside);
      gboolean partial = FALSE, has_24 = FALSE;

      for (guint k = 0; k < members->len; k++)
        if (g_array_index (members, AtlasMembership, k).entity == xiongan)
          partial = g_array_index (members, AtlasMembership, k).partial;
      g_assert_true (partial);
      g_assert_cmpuint (inside->len, >, 0);
      for (guint k = 0; k < passages->len; k++)
        has_24 |= g_str_equal (((AtlasMention *) passages->pdata[k])->paragraph->id, "2.4/p1");
      g_assert_true (has_24);
    }
}

/* Every short name whose occurrence in the plan lies inside a longer plan
 * term (maps/plan/reading.json) is listed; none of them is counted. */
static void
test_whole_terms (void)
{
  g_autoptr(GBytes) aliases_bytes = g_resources_lookup_data (ALIASES_RESOURCE, 0, NULL);
  g_autoptr(GBytes) reading_bytes = g_resources_lookup_data (READING_RESOURCE, 0, NULL);
  g_autoptr(JsonParser) ap = json_parser_new ();
  g_autoptr(JsonParser) rp = json_parser_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) longer = g_ptr_array_new ();
  JsonArray *a, *t;
  guint n, n_found = 0, n_counted = 0;
  const AtlasSection *sections = atlas_plan_get_sections (data->plan, &n);
  guint n_counties;
  const AtlasCounty *counties = atlas_basemap_get_counties (data->basemap, &n_counties);

  g_assert_true (json_parser_load_from_data (ap, g_bytes_get_data (aliases_bytes, NULL), -1, NULL));
  g_assert_true (json_parser_load_from_data (rp, g_bytes_get_data (reading_bytes, NULL), -1, NULL));
  a = json_node_get_array (json_parser_get_root (ap));
  for (guint i = 0; i < json_array_get_length (a); i++)
    g_ptr_array_add (names, g_strdup (json_object_get_string_member (json_array_get_object_element (a, i), "alias")));
  for (guint i = 0; i < n_counties; i++)
    {
      static const char * const suffixes[] = { "回族自治县", "满族自治县", "县", "区", "市" };

      for (guint k = 0; k < G_N_ELEMENTS (suffixes); k++)
        if (g_str_has_suffix (counties[i].name_zh, suffixes[k]))
          {
            g_ptr_array_add (names, g_strndup (counties[i].name_zh, strlen (counties[i].name_zh) - strlen (suffixes[k])));
            break;
          }
    }
  t = json_object_get_array_member (json_node_get_object (json_parser_get_root (rp)), "terms");
  for (guint i = 0; i < json_array_get_length (t); i++)
    g_ptr_array_add (longer, (gpointer) json_object_get_string_member (json_array_get_object_element (t, i), "term"));

  for (guint s = 0; s < n; s++)
    for (guint p = 0; p < sections[s].n_paragraphs; p++)
      {
        const AtlasParagraph *par = &sections[s].paragraphs[p];

        for (guint l = 0; l < longer->len; l++)
          for (const char *hit = strstr (par->text, longer->pdata[l]); hit != NULL;
               hit = strstr (hit + 1, longer->pdata[l]))
            for (guint k = 0; k < names->len; k++)
              {
                const char *name = names->pdata[k];
                const char *inner;

                if (g_utf8_strlen (name, -1) < 2 || strlen (name) >= strlen (longer->pdata[l])
                    || (inner = strstr (longer->pdata[l], name)) == NULL)
                  continue;
                {
                  guint offset = (hit - par->text) + (inner - (const char *) longer->pdata[l]);
                  AtlasEntity *e = atlas_plan_index_lookup (plan_index, name);
                  g_autoptr(GArray) results = atlas_plan_index_search (plan_index, name, 0);

                  n_found++;
                  g_test_message ("%s: “%s” inside “%s”", par->id, name, (const char *) longer->pdata[l]);
                  /* no entity that goes by the name has a mention there */
                  for (guint r = 0; r < results->len; r++)
                    {
                      AtlasSearchResult *res = &g_array_index (results, AtlasSearchResult, r);
                      AtlasEntity *x = res->entity != NULL ? res->entity : e;

                      for (guint m = 0; x != NULL && m < x->mentions->len; m++)
                        {
                          AtlasMention *mention = g_ptr_array_index (x->mentions, m);

                          if (mention->paragraph == par && mention->length > 0 && mention->offset == offset
                              && g_str_equal (mention->term, name))
                            {
                              g_test_message ("  counted for %s", x->name_zh);
                              n_counted++;
                            }
                        }
                    }
                }
              }
      }
  g_assert_cmpuint (n_found, >=, 5);
  g_assert_cmpuint (n_counted, ==, 0);
}

static void
test_misprint_notes (void)
{
  AtlasEntity *e = atlas_plan_index_lookup (plan_index, "房涿涿");
  g_autofree char *json = NULL;
  gboolean noted = FALSE;

  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_AREA);
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = g_ptr_array_index (e->mentions, i);
      g_autoptr(GPtrArray) notes = atlas_plan_index_notes (plan_index, m->paragraph);

      for (guint k = 0; k < notes->len; k++)
        noted |= g_str_has_prefix (((AtlasPlanNote *) notes->pdata[k])->note_zh, "原文如此，疑为“房涿涞”");
    }
  g_assert_true (noted);
  json = atlas_entity_to_json (plan_index, e);
  g_assert_nonnull (strstr (json, "原文如此，疑为"));
}

static void
test_areas_open (void)
{
  static const char * const names[] = { "廊坊市", "131000", "河北省", "北三县", "通武廊", "环京地区" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      AtlasEntity *e = atlas_plan_index_lookup (plan_index, names[i]);
      g_autoptr(GArray) members = NULL;

      g_assert_nonnull (e);
      g_assert_cmpint (e->kind, ==, ATLAS_ENTITY_AREA);
      g_assert_cmpuint (e->counties->len, >, 0);
      g_assert_cmpuint (e->mentions->len, >, 0);
      members = atlas_plan_index_memberships_full (plan_index, e);
      g_assert_cmpuint (members->len, >, 0);
      for (guint k = 0; k < members->len; k++)
        {
          double share = g_array_index (members, AtlasMembership, k).share;
          g_assert_cmpfloat (share, >, 0);
          g_assert_cmpfloat (share, <=, 1);
        }
    }
  /* the three northern counties: all of them in the commuting circle */
  {
    AtlasEntity *beisan = atlas_plan_index_lookup (plan_index, "北三县");
    g_autoptr(GArray) members = atlas_plan_index_memberships_full (plan_index, beisan);
    AtlasEntity *commuting = atlas_plan_index_get_feature (plan_index, atlas_test_feature (data, "commuting_circle"));

    g_assert_cmpuint (beisan->counties->len, ==, 3);
    /* and its page rolls up what is said about its counties */
    {
      g_autoptr(GArray) inside = atlas_plan_index_inside (plan_index, beisan);
      g_autoptr(GPtrArray) passages = atlas_plan_index_inside_mentions (plan_index, beisan, inside);
      AtlasEntity *xianghe = atlas_plan_index_lookup (plan_index, "香河县");
      gboolean has_county = FALSE, has_411 = FALSE;

      has_county = entity_in (inside, xianghe);
      for (guint k = 0; k < passages->len; k++)
        has_411 |= g_str_equal (((AtlasMention *) passages->pdata[k])->paragraph->id, "4.1.2/p1");
      g_assert_true (has_county);
      g_assert_true (has_411);
    }
    g_assert_true (entity_in (members, commuting));
    g_assert_cmpfloat (g_array_index (members, AtlasMembership, 0).share, ==, 1.0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GBytes) aliases = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();
  aliases = g_resources_lookup_data (ALIASES_RESOURCE, 0, &error);
  g_assert_no_error (error);
  plan_index = atlas_plan_index_new (data, aliases, &error);
  g_assert_no_error (error);
  load_inventory ();

  g_test_add_func ("/atlas/inventory/phrases-as-printed", test_phrases_as_printed);
  g_test_add_func ("/atlas/inventory/located-are-drawn", test_located_are_drawn);
  g_test_add_func ("/atlas/inventory/defining-sections-cited", test_defining_sections_cited);
  g_test_add_func ("/atlas/inventory/geometry-touches-named-counties", test_geometry_touches_named_counties);
  g_test_add_func ("/atlas/inventory/counts", test_counts);
  g_test_add_func ("/atlas/inventory/corridors-through-segments", test_corridors_through_segments);
  g_test_add_func ("/atlas/inventory/ring-corridors-are-lines", test_ring_corridors_are_lines);
  g_test_add_func ("/atlas/inventory/townships-make-members", test_townships_make_members);
  g_test_add_func ("/atlas/inventory/whole-terms", test_whole_terms);
  g_test_add_func ("/atlas/inventory/misprint-notes", test_misprint_notes);
  g_test_add_func ("/atlas/inventory/areas-open", test_areas_open);

  status = g_test_run ();
  g_ptr_array_unref (rows);
  atlas_plan_index_unref (plan_index);
  atlas_data_unref (data);
  return status;
}
