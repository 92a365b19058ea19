/* atlas-plan-index.c — what the plan says about each place
 *
 * Matching: every name of every entity (full names, short county names
 * such as 香河 for 香河县, place names without their explanations, the
 * plan's collective names from maps/plan/aliases.json) is a term; each
 * paragraph is scanned once, taking at each position the LONGEST term that
 * matches, so 大兴国际机场 is the airport and never 大兴区, and 河北区 is
 * never 河北.
 */

#include "atlas-plan-index.h"
#include "atlas-overlays-json.h"
#include "atlas-data-error.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Sections whose paragraphs define the role of the places they open with:
 * the plain new towns, the eco-conservation districts, the cross-border
 * areas, Tianjin's nodes, Hebei's cities, Xiong'an, the sub-centre and the
 * corridors. */
static const char * const role_sections[] = {
  "2.4", "4.1", "4.2.2", "4.3.2", "4.4", "5.1.5", "5.2", "5.3", "6.1.1",
};

/* A role paragraph names its place near its start. */
#define ROLE_LEAD_CHARS 24

/* Collective names that stand for more counties than this are too broad
 * to count as a mention of each (北京, 河北, 京津冀 …). */
#define MAX_ALIAS_COUNTIES 60

/* Zones of counties up to this size stand for their counties when named
 * (not the circles, the screen or the river basins). */
#define MAX_ZONE_ALIAS_COUNTIES 12

/* Areas up to this many counties list what lies in their counties. */
#define MAX_INSIDE_COUNTIES 40

/* Short county names that are ordinary words or other places' names. */
static const char * const ambiguous_short_names[] = {
  "和平", "河东", "河西", "南开", "河北", "红桥", "桥东", "桥西", "新华", "长安", "开平",
  "路南", "路北", "裕华", "运河", "新市", "城区", "矿区", "丰南", "海港", "山海关",
  "大城", "复兴", "清河", "滨海", "新华", "广阳", "安次",
};

typedef struct
{
  char      *term;
  GPtrArray *direct;   /* AtlasEntity */
  GPtrArray *alias;    /* AtlasEntity, through a collective name */
} Term;

struct _AtlasPlanIndex
{
  gatomicrefcount ref_count;
  AtlasData  *data;        /* points to own, below */
  AtlasData   own;         /* references to the parts of the data it reads */
  GPtrArray  *entities;    /* AtlasEntity, owned */
  GHashTable *by_id;       /* id → entity */
  GHashTable *by_name;     /* name_zh → entity */
  GHashTable *counties;    /* code → entity */
  GHashTable *features;    /* AtlasOverlayFeature → entity */
  GHashTable *terms;       /* term → Term */
  GHashTable *buckets;     /* first character → GPtrArray of Term, longest first */
  GArray     *paragraphs;  /* (section, paragraph) in plan order, for search */
  GPtrArray  *notes;       /* AtlasPlanNote: probable misprints, kept as printed */
  GHashTable *units;       /* prefecture or province code → area entity */
};

typedef struct
{
  const AtlasSection   *section;
  const AtlasParagraph *paragraph;
} ParagraphRef;

/* Entities */

static void
entity_free (gpointer data)
{
  AtlasEntity *e = data;

  g_free (e->id);
  g_free (e->name_zh);
  g_free (e->name_en);
  g_free (e->context);
  g_ptr_array_unref (e->mentions);
  g_clear_pointer (&e->counties, g_array_unref);
  g_clear_pointer (&e->partial, g_array_unref);
  g_clear_pointer (&e->places, g_ptr_array_unref);
  g_free (e);
}

static void
note_free (gpointer data)
{
  AtlasPlanNote *n = data;

  g_free (n->printed);
  g_free (n->probable);
  g_free (n->note_zh);
  g_free (n->note_en);
  g_free (n);
}

static AtlasEntity *
entity_new (AtlasPlanIndex  *self,
            AtlasEntityKind  kind,
            const char      *id,
            const char      *name_zh,
            const char      *name_en,
            char            *context,
            gpointer         ref,
            double           lon,
            double           lat)
{
  AtlasEntity *e = g_new0 (AtlasEntity, 1);

  e->kind = kind;
  e->id = g_strdup (id);
  e->name_zh = g_strdup (name_zh);
  e->name_en = g_strdup (name_en);
  e->context = context;
  e->ref = ref;
  e->lon = lon;
  e->lat = lat;
  e->mentions = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->entities, e);
  g_hash_table_insert (self->by_id, e->id, e);
  if (!g_hash_table_contains (self->by_name, e->name_zh))
    g_hash_table_insert (self->by_name, e->name_zh, e);
  return e;
}

static AtlasEntity *
area_new (AtlasPlanIndex *self,
          const char     *id,
          const char     *name_zh,
          const char     *name_en,
          char           *context)
{
  AtlasEntity *e = entity_new (self, ATLAS_ENTITY_AREA, id, name_zh, name_en, context, NULL, NAN, NAN);

  e->counties = g_array_new (FALSE, FALSE, sizeof (guint32));
  e->partial = g_array_new (FALSE, FALSE, sizeof (guint32));
  e->places = g_ptr_array_new ();
  return e;
}

/* Terms */

static void
term_free (gpointer data)
{
  Term *t = data;

  g_free (t->term);
  g_ptr_array_unref (t->direct);
  g_ptr_array_unref (t->alias);
  g_free (t);
}

static void
add_term (AtlasPlanIndex *self,
          const char     *text,
          AtlasEntity    *entity,
          gboolean        via_alias)
{
  Term *t;

  if (text == NULL || g_utf8_strlen (text, -1) < 2)
    return;

  t = g_hash_table_lookup (self->terms, text);
  if (t == NULL)
    {
      t = g_new0 (Term, 1);
      t->term = g_strdup (text);
      t->direct = g_ptr_array_new ();
      t->alias = g_ptr_array_new ();
      g_hash_table_insert (self->terms, t->term, t);
    }
  if (entity != NULL && !g_ptr_array_find (via_alias ? t->alias : t->direct, entity, NULL))
    g_ptr_array_add (via_alias ? t->alias : t->direct, entity);
}

/* "北京大兴国际机场临空经济区（北京片区）" → "北京大兴国际机场临空经济区" */
static char *
strip_explanation (const char *name)
{
  const char *paren = strstr (name, "（");

  /* only a trailing explanation: 中国（北京）自由贸易试验区 keeps its name */
  return paren != NULL && paren != name && g_str_has_suffix (name, "）")
         ? g_strndup (name, paren - name) : g_strdup (name);
}

/* The names a place or feature goes by in the text. */
static void
add_name_terms_full (AtlasPlanIndex *self,
                     const char     *name,
                     AtlasEntity    *entity,
                     gboolean        via_alias)
{
  static const char * const prefixes[] = { "北京市", "天津市", "河北省", "北京", "天津", "河北" };
  g_autofree char *base = strip_explanation (name);
  const char *colon = strstr (base, "：");
  const char *quote = strstr (base, "“");

  add_term (self, base, entity, via_alias);
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (base, prefixes[i]) && g_utf8_strlen (base + strlen (prefixes[i]), -1) >= 3)
      {
        add_term (self, base + strlen (prefixes[i]), entity, via_alias);
        break;
      }
  if (colon != NULL)
    {
      g_autofree char *head = g_strndup (base, colon - base);
      add_term (self, head, entity, via_alias);
    }
  if (quote != NULL)
    {
      const char *end = strstr (quote, "”");

      if (end != NULL)
        {
          g_autofree char *quoted = g_strndup (quote + strlen ("“"), end - quote - strlen ("“"));
          add_term (self, quoted, entity, via_alias);
        }
    }
}

static void
add_name_terms (AtlasPlanIndex *self,
                const char     *name,
                AtlasEntity    *entity)
{
  add_name_terms_full (self, name, entity, FALSE);
}

static char *
county_short_name (const char *name)
{
  static const char * const suffixes[] = {
    "满族蒙古族自治县", "回族自治县", "满族自治县", "蒙古族自治县", "自治县", "新区", "矿区",
    "县", "区", "市",
  };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]))
      {
        g_autofree char *s = g_strndup (name, strlen (name) - strlen (suffixes[i]));

        if (g_utf8_strlen (s, -1) < 2)
          return NULL;
        for (guint k = 0; k < G_N_ELEMENTS (ambiguous_short_names); k++)
          if (g_str_equal (s, ambiguous_short_names[k]))
            return NULL;
        return g_steal_pointer (&s);
      }
  return NULL;
}

static int
compare_terms_longest_first (gconstpointer a,
                             gconstpointer b)
{
  const Term *ta = *(Term **) a, *tb = *(Term **) b;
  gsize la = strlen (ta->term), lb = strlen (tb->term);

  return la != lb ? (la > lb ? -1 : 1) : strcmp (ta->term, tb->term);
}

static void
build_buckets (AtlasPlanIndex *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Term *t = value;
      gunichar c = g_utf8_get_char (t->term);
      GPtrArray *bucket = g_hash_table_lookup (self->buckets, GUINT_TO_POINTER (c));

      if (bucket == NULL)
        {
          bucket = g_ptr_array_new ();
          g_hash_table_insert (self->buckets, GUINT_TO_POINTER (c), bucket);
        }
      g_ptr_array_add (bucket, t);
    }

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_sort (value, compare_terms_longest_first);
}

/* Sections */

static gboolean
is_role_section (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_sections); i++)
    if (atlas_section_within (id, role_sections[i]))
      return TRUE;
  return FALSE;
}

static gboolean
feature_cites (const AtlasOverlayFeature *f,
               const char                *section_id)
{
  for (guint i = 0; f->plan_refs[i] != NULL; i++)
    if (atlas_section_within (section_id, f->plan_refs[i]))
      return TRUE;
  return FALSE;
}

/* A feature is cited by a section when it or its layer cites the section
 * or a part of it. */
static gboolean
section_cites (const char                *section_id,
               const AtlasOverlayFeature *f)
{
  for (guint r = 0; f->plan_refs[r] != NULL; r++)
    if (atlas_section_within (f->plan_refs[r], section_id))
      return TRUE;
  for (guint r = 0; f->layer->plan_refs[r] != NULL; r++)
    if (atlas_section_within (f->layer->plan_refs[r], section_id))
      return TRUE;
  return FALSE;
}

/* Mentions */

static AtlasMention *
find_mention (AtlasEntity          *e,
              const AtlasParagraph *p)
{
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = g_ptr_array_index (e->mentions, i);
      if (m->paragraph == p)
        return m;
    }
  return NULL;
}

static void
add_mention (AtlasEntity          *e,
             const AtlasSection   *section,
             const AtlasParagraph *p,
             guint                 paragraph_index,
             guint                 offset,
             const Term           *t,
             gboolean              via_alias)
{
  AtlasMention *m = find_mention (e, p);
  gboolean role;

  if (m != NULL)
    {
      /* a direct mention beats one through a collective name */
      if (m->via_alias && !via_alias)
        {
          m->via_alias = FALSE;
          m->offset = offset;
          m->length = strlen (t->term);
          m->term = t->term;
        }
    }
  else
    {
      m = g_new0 (AtlasMention, 1);
      m->section = section;
      m->paragraph = p;
      m->paragraph_index = paragraph_index;
      m->offset = offset;
      m->length = strlen (t->term);
      m->term = t->term;
      m->via_alias = via_alias;
      g_ptr_array_add (e->mentions, m);
    }

  m->lead = !m->via_alias && g_utf8_pointer_to_offset (p->text, p->text + m->offset) < ROLE_LEAD_CHARS;
  role = m->lead && is_role_section (section->id);
  if (e->kind == ATLAS_ENTITY_FEATURE && !m->via_alias
      && feature_cites (e->ref, section->id))
    role = TRUE;
  m->role |= role;
}

static void
scan_paragraph (AtlasPlanIndex       *self,
                const AtlasSection   *section,
                const AtlasParagraph *p,
                guint                 paragraph_index)
{
  const char *text = p->text;
  const char *s = text;

  while (*s != '\0')
    {
      GPtrArray *bucket = g_hash_table_lookup (self->buckets, GUINT_TO_POINTER (g_utf8_get_char (s)));
      const Term *match = NULL;

      for (guint i = 0; bucket != NULL && i < bucket->len && match == NULL; i++)
        {
          const Term *t = g_ptr_array_index (bucket, i);

          if (strncmp (s, t->term, strlen (t->term)) == 0)
            match = t;
        }

      if (match == NULL)
        {
          s = g_utf8_next_char (s);
          continue;
        }

      for (guint i = 0; i < match->direct->len; i++)
        add_mention (g_ptr_array_index (match->direct, i), section, p, paragraph_index, s - text,
                     match, FALSE);
      for (guint i = 0; i < match->alias->len; i++)
        add_mention (g_ptr_array_index (match->alias, i), section, p, paragraph_index, s - text,
                     match, TRUE);
      s += strlen (match->term);
    }
}

/* A feature whose cited sections never name it still links to them. */
static void
add_cited_sections (AtlasPlanIndex *self,
                    AtlasEntity    *e)
{
  const AtlasOverlayFeature *f = e->ref;

  for (guint r = 0; f->plan_refs[r] != NULL; r++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < e->mentions->len && !found; i++)
        found = atlas_section_within (((AtlasMention *) e->mentions->pdata[i])->section->id, f->plan_refs[r]);

      for (guint i = 0; i < self->paragraphs->len && !found; i++)
        {
          ParagraphRef *ref = &g_array_index (self->paragraphs, ParagraphRef, i);

          if (atlas_section_within (ref->section->id, f->plan_refs[r]))
            {
              AtlasMention *m = g_new0 (AtlasMention, 1);

              m->section = ref->section;
              m->paragraph = ref->paragraph;
              m->paragraph_index = i;
              m->role = TRUE;
              g_ptr_array_add (e->mentions, m);
              found = TRUE;
            }
        }
    }
}

static int
compare_mentions (gconstpointer a,
                  gconstpointer b)
{
  const AtlasMention *ma = *(AtlasMention **) a, *mb = *(AtlasMention **) b;

  if (ma->role != mb->role)
    return ma->role ? -1 : 1;
  /* of the role paragraphs, first those that open with the name */
  if (ma->role && ma->lead != mb->lead)
    return ma->lead ? -1 : 1;
  if (ma->via_alias != mb->via_alias)
    return ma->via_alias ? 1 : -1;
  return ma->paragraph_index < mb->paragraph_index ? -1 : ma->paragraph_index > mb->paragraph_index;
}

/* Aliases */

/* An area's point: the area-weighted mean of its counties' label points,
 * or of its places. */
static void
area_locate (AtlasPlanIndex *self,
             AtlasEntity    *e)
{
  double sx = 0, sy = 0, sw = 0;

  if (!isnan (e->lon))
    {
      /* placed at its label: only the area to sum */
      for (guint i = 0; i < e->counties->len; i++)
        {
          const AtlasCounty *c = atlas_basemap_lookup_county (self->data->basemap,
                                                              g_array_index (e->counties, guint32, i));
          e->area_km2 += c != NULL ? c->area_km2 : 0;
        }
      return;
    }
  for (guint i = 0; i < e->counties->len; i++)
    {
      const AtlasCounty *c = atlas_basemap_lookup_county (self->data->basemap,
                                                          g_array_index (e->counties, guint32, i));

      if (c != NULL)
        {
          sx += c->label_lon * c->area_km2;
          sy += c->label_lat * c->area_km2;
          sw += c->area_km2;
        }
    }
  for (guint i = 0; sw == 0 && i < e->places->len; i++)
    {
      AtlasEntity *p = g_ptr_array_index (e->places, i);

      sx += p->lon;
      sy += p->lat;
      sw += 1;
    }
  e->area_km2 = e->counties->len > 0 ? sw : 0;
  if (sw > 0)
    {
      e->lon = sx / sw;
      e->lat = sy / sw;
    }
}

/* The string at @k, or NULL if it is anything else (a damaged file) */
static const char *
string_element (JsonArray *array,
                guint      k)
{
  JsonNode *node = json_array_get_element (array, k);

  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* The object at @k, or NULL if it is anything else */
static JsonObject *
object_element (JsonArray *array,
                guint      k)
{
  JsonNode *node = json_array_get_element (array, k);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_or_empty (JsonObject *o,
                 const char *name)
{
  const char *value = atlas_json_get_string (o, name);

  return value != NULL ? value : "";
}

static void
add_alias_counties (AtlasPlanIndex *self,
                    const char     *alias,
                    JsonArray      *codes,
                    GPtrArray      *out)
{
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (self->data->basemap, &n);

  for (guint i = 0; codes != NULL && i < json_array_get_length (codes); i++)
    {
      const char *text = string_element (codes, i);
      guint64 code;

      if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, 999999, &code, NULL))
        continue;
      for (guint k = 0; k < n; k++)
        if (counties[k].code == code || counties[k].prefecture_code == code)
          g_ptr_array_add (out, g_hash_table_lookup (self->counties, GUINT_TO_POINTER (counties[k].code)));
    }
}

static void
append_codes (AtlasPlanIndex *self,
              JsonObject     *o,
              const char     *member,
              GArray         *out)
{
  JsonNode *node = json_object_get_member (o, member);
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (self->data->basemap, &n);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      const char *text = string_element (json_node_get_array (node), i);
      guint64 code;

      if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, 999999, &code, NULL))
        continue;
      for (guint k = 0; k < n; k++)
        if (counties[k].code == code || counties[k].prefecture_code == code
            || counties[k].province_code == code)
          g_array_append_val (out, counties[k].code);
    }
}

/* A collective name (北三县, 通武廊, 环京地区 …) that no county, place or
 * feature is called is an area of its own, made of its counties. */
static void
add_alias_entity (AtlasPlanIndex *self,
                  JsonObject     *o,
                  const char     *alias)
{
  const char *name_en = atlas_json_get_string (o, "name_en");
  JsonNode *places = json_object_get_member (o, "places");
  Term *t = g_hash_table_lookup (self->terms, alias);
  AtlasEntity *e;

  if (g_hash_table_contains (self->by_id, alias) || g_hash_table_contains (self->by_name, alias)
      || (t != NULL && t->direct->len > 0))
    return;
  e = area_new (self, alias, alias, name_en != NULL ? name_en : alias, g_strdup ("规划中的集合名称"));
  append_codes (self, o, "provinces", e->counties);
  append_codes (self, o, "prefectures", e->counties);
  append_codes (self, o, "counties", e->counties);
  append_codes (self, o, "partial_counties", e->partial);
  if (places != NULL && JSON_NODE_HOLDS_ARRAY (places))
    for (guint k = 0; k < json_array_get_length (json_node_get_array (places)); k++)
      {
        const char *id = string_element (json_node_get_array (places), k);
        AtlasEntity *p = id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;

        if (p != NULL && p->kind == ATLAS_ENTITY_PLACE)
          g_ptr_array_add (e->places, p);
      }
  area_locate (self, e);
  add_term (self, alias, e, FALSE);
}

static gboolean
load_aliases (AtlasPlanIndex  *self,
              GBytes          *bytes,
              GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonArray *array;
  g_autoptr(GError) local = NULL;

  if (!atlas_check_json_depth (data, size, "aliases.json", ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_TOO_LARGE,
                               error))
    return FALSE;
  if (!json_parser_load_from_data (parser, data, size, &local))
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT, "aliases.json: %s", local->message);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                   "aliases.json: the top level is not a list");
      return FALSE;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o;
      const char *alias;
      g_autoptr(GPtrArray) members = g_ptr_array_new ();
      JsonNode *places;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      alias = atlas_json_get_string (o, "alias");
      if (alias == NULL)
        continue;
      if (json_object_has_member (o, "provinces"))
        {
          add_alias_entity (self, o, alias);
          continue;
        }

      if (json_object_has_member (o, "counties") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "counties")))
        add_alias_counties (self, alias, json_object_get_array_member (o, "counties"), members);
      if (json_object_has_member (o, "partial_counties") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "partial_counties")))
        add_alias_counties (self, alias, json_object_get_array_member (o, "partial_counties"), members);
      if (json_object_has_member (o, "prefectures") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "prefectures")))
        add_alias_counties (self, alias, json_object_get_array_member (o, "prefectures"), members);

      places = json_object_get_member (o, "places");
      if (places != NULL && JSON_NODE_HOLDS_ARRAY (places))
        for (guint k = 0; k < json_array_get_length (json_node_get_array (places)); k++)
          {
            const char *id = string_element (json_node_get_array (places), k);
            AtlasEntity *e = id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;

            if (e != NULL && e->kind == ATLAS_ENTITY_PLACE)
              g_ptr_array_add (members, e);
          }

      add_alias_entity (self, o, alias);
      if (members->len > MAX_ALIAS_COUNTIES)
        continue;
      for (guint k = 0; k < members->len; k++)
        if (members->pdata[k] != NULL)
          add_term (self, alias, members->pdata[k], TRUE);
    }
  return TRUE;
}

/* The reader's notes (maps/plan/reading.json): longer plan terms that a
 * shorter name must not be matched inside (多点联动 is not 多点), with the
 * features they stand for, and probable misprints kept as printed. */
static void
load_reading (AtlasPlanIndex *self,
              GBytes         *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonObject *root;
  JsonArray *terms, *misprints;

  if (!json_parser_load_from_data (parser, data, size, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("plan/reading.json is damaged; compound terms and misprint notes are not used");
      return;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  terms = atlas_json_get_array (root, "terms");
  for (guint i = 0; terms != NULL && i < json_array_get_length (terms); i++)
    {
      JsonObject *o = object_element (terms, i);
      const char *term = o != NULL ? atlas_json_get_string (o, "term") : NULL;
      JsonArray *features = o != NULL ? atlas_json_get_array (o, "features") : NULL;

      if (term == NULL)
        continue;
      add_term (self, term, NULL, FALSE);
      for (guint k = 0; features != NULL && k < json_array_get_length (features); k++)
        {
          const char *id = string_element (features, k);
          AtlasEntity *e = id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;

          if (e != NULL)
            add_term (self, term, e, FALSE);
        }
    }

  misprints = atlas_json_get_array (root, "misprints");
  for (guint i = 0; misprints != NULL && i < json_array_get_length (misprints); i++)
    {
      JsonObject *o = object_element (misprints, i);
      AtlasPlanNote *n;

      if (o == NULL || atlas_json_get_string (o, "printed") == NULL)
        continue;
      n = g_new0 (AtlasPlanNote, 1);
      n->printed = g_strdup (atlas_json_get_string (o, "printed"));
      n->probable = g_strdup (string_or_empty (o, "probable"));
      n->note_zh = g_strdup (string_or_empty (o, "note_zh"));
      n->note_en = g_strdup (string_or_empty (o, "note_en"));
      g_ptr_array_add (self->notes, n);
    }
}

/**
 * atlas_plan_index_notes:
 *
 * Returns: (transfer container): the #AtlasPlanNote misprints that
 *   @paragraph contains, as printed
 */
GPtrArray *
atlas_plan_index_notes (AtlasPlanIndex       *self,
                        const AtlasParagraph *paragraph)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->notes->len; i++)
    {
      AtlasPlanNote *n = g_ptr_array_index (self->notes, i);

      if (strstr (paragraph->text, n->printed) != NULL)
        g_ptr_array_add (out, n);
    }
  return out;
}

/* Building */

/* 承德县 is not 承德: a county's short name that is also its city's. */
static gboolean
is_prefecture_short_name (const AtlasCounty *counties,
                          guint              n,
                          const char        *short_name)
{
  for (guint i = 0; i < n; i++)
    if (g_str_has_prefix (counties[i].prefecture_zh, short_name)
        && strlen (counties[i].prefecture_zh) == strlen (short_name) + strlen ("市"))
      return TRUE;
  return FALSE;
}

static void
add_counties (AtlasPlanIndex *self)
{
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (self->data->basemap, &n);

  for (guint i = 0; i < n; i++)
    {
      const AtlasCounty *c = &counties[i];
      char id[16];
      AtlasEntity *e;
      g_autofree char *short_name = county_short_name (c->name_zh);

      g_snprintf (id, sizeof id, "%06u", c->code);
      e = entity_new (self, ATLAS_ENTITY_COUNTY, id, c->name_zh, c->name_en,
                      c->prefecture_code == c->province_code
                        ? g_strdup (c->province_zh)
                        : g_strdup_printf ("%s · %s", c->prefecture_zh, c->province_zh),
                      (gpointer) c, c->label_lon, c->label_lat);
      g_hash_table_insert (self->counties, GUINT_TO_POINTER (c->code), e);
      add_term (self, c->name_zh, e, FALSE);
      if (short_name != NULL && !is_prefecture_short_name (counties, n, short_name))
        add_term (self, short_name, e, FALSE);
    }
}

/* What a gazetteer place is, in words (its kind is a code), and where. */
static char *
place_context (AtlasPlanIndex   *self,
               const AtlasPlace *p)
{
  static const char *const kinds[][2] = {
    { "great_wall_point", "长城" }, { "park_zone", "园区" }, { "district_centre", "城区中心" },
    { "canal_point", "大运河" }, { "new_town", "新城" }, { "city_centre", "城市中心" },
    { "heritage", "文化遗产" }, { "taihang_point", "太行山" }, { "scenic", "风景名胜" },
    { "red_heritage", "红色文化" }, { "mountain", "山" }, { "lake_reservoir", "湖泊、水库" },
    { "seaport", "港口" }, { "science_city", "科学城" }, { "airport", "机场" },
    { "wetland", "湿地" }, { "dryport", "陆港" },
  };
  const char *kind = "地点";
  AtlasEntity *county = g_hash_table_lookup (self->counties, GUINT_TO_POINTER (p->county_code));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (p->kind, kinds[i][0]))
      kind = kinds[i][1];
  if (county == NULL)
    return g_strdup (kind);
  return g_strdup_printf ("%s · %s · %s", kind, county->name_zh, county->context);
}

static void
set_area_label (AtlasPlanIndex *self,
                AtlasEntity    *e,
                guint32         code)
{
  guint n;
  const AtlasLabel *labels = atlas_basemap_get_labels (self->data->basemap, &n);

  for (guint i = 0; i < n; i++)
    if (labels[i].code == code
        && (labels[i].kind == ATLAS_LABEL_PREFECTURE || labels[i].kind == ATLAS_LABEL_PROVINCE))
      {
        e->lon = labels[i].lon;
        e->lat = labels[i].lat;
        if (labels[i].name_en != NULL && *labels[i].name_en != '\0')
          {
            g_free (e->name_en);
            e->name_en = g_strdup (labels[i].name_en);
          }
        return;
      }
}

/* The prefectures and provinces are areas made of their counties, named
 * in full (廊坊市) and short (廊坊). */
static void
add_units (AtlasPlanIndex *self)
{
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (self->data->basemap, &n);

  for (guint i = 0; i < n; i++)
    {
      const AtlasCounty *c = &counties[i];
      guint32 codes[2] = { c->prefecture_code, c->province_code };
      const char *names[2] = { c->prefecture_zh, c->province_zh };

      for (guint level = c->prefecture_code == c->province_code ? 1 : 0; level < 2; level++)
        {
          AtlasEntity *e = g_hash_table_lookup (self->units, GUINT_TO_POINTER (codes[level]));

          if (e == NULL)
            {
              char id[16];
              const char *name = names[level];
              gsize len = strlen (name);

              g_snprintf (id, sizeof id, "%06u", codes[level]);
              e = area_new (self, id, name, name,
                            level == 0 ? g_strdup_printf ("地级市 · %s", c->province_zh)
                                       : g_strdup ("省级行政区"));
              set_area_label (self, e, codes[level]);
              g_hash_table_insert (self->units, GUINT_TO_POINTER (codes[level]), e);
              add_term (self, name, e, FALSE);
              if ((g_str_has_suffix (name, "市") || g_str_has_suffix (name, "省"))
                  && g_utf8_strlen (name, -1) >= 3)
                {
                  g_autofree char *short_name = g_strndup (name, len - strlen ("市"));
                  add_term (self, short_name, e, FALSE);
                }
            }
          g_array_append_val (e->counties, c->code);
        }
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->units);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      area_locate (self, value);
  }
}

static void
add_places (AtlasPlanIndex *self)
{
  guint n;
  const AtlasPlace *places;

  if (self->data->gazetteer == NULL)
    return;
  places = atlas_gazetteer_get_places (self->data->gazetteer, &n);
  for (guint i = 0; i < n; i++)
    {
      const AtlasPlace *p = &places[i];
      g_autofree char *name = strip_explanation (p->name_zh);
      AtlasEntity *e;

      if (g_str_equal (p->kind, "waypoint"))
        continue;
      e = entity_new (self, ATLAS_ENTITY_PLACE, p->id, name, p->name_en, place_context (self, p),
                      (gpointer) p, p->lon, p->lat);
      add_name_terms (self, p->name_zh, e);
    }
}

static void
add_features (AtlasPlanIndex *self)
{
  GPtrArray *features = atlas_overlays_get_features (self->data->overlays);

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);
      AtlasEntity *e = entity_new (self, ATLAS_ENTITY_FEATURE, f->id, f->name_zh, f->name_en,
                                   g_strdup_printf ("%s · %s", f->layer->group->name_zh,
                                                    f->layer->name_zh),
                                   f, f->anchor_lon, f->anchor_lat);

      g_hash_table_insert (self->features, f, e);
      add_name_terms (self, f->name_zh, e);

      /* a zone of a few counties (通州区与北三县, 通武廊地区, 北京平原新城 …)
       * named in the text stands for the counties wholly in it, as a
       * collective name */
      if (f->shape == ATLAS_SHAPE_POLYGON && f->source == ATLAS_SOURCE_COUNTIES
          && f->counties->len <= MAX_ZONE_ALIAS_COUNTIES)
        {
          for (guint k = 0; k < f->counties->len; k++)
            add_name_terms_full (self, f->name_zh,
                                 atlas_plan_index_get_county (self, g_array_index (f->counties, guint32, k)), TRUE);
        }
    }
}

/**
 * atlas_plan_index_new:
 * @data: loaded data with its plan and overlays; the index keeps
 *   references to the parts it reads
 *
 * Returns: (transfer full) (nullable): the index, or %NULL with @error set
 */
AtlasPlanIndex *
atlas_plan_index_new (AtlasData  *data,
                      GBytes     *aliases_json,
                      GError    **error)
{
  g_autoptr(AtlasPlanIndex) self = g_new0 (AtlasPlanIndex, 1);
  g_autoptr(GBytes) reading = NULL;
  guint n_sections, index = 0;
  const AtlasSection *sections;

  g_atomic_ref_count_init (&self->ref_count);
  self->own.basemap = g_object_ref (data->basemap);
  self->own.gazetteer = data->gazetteer != NULL ? g_object_ref (data->gazetteer) : NULL;
  self->own.plan = data->plan != NULL ? g_object_ref (data->plan) : NULL;
  self->own.overlays = g_object_ref (data->overlays);
  self->data = &self->own;
  self->entities = g_ptr_array_new_with_free_func (entity_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->counties = g_hash_table_new (NULL, NULL);
  self->features = g_hash_table_new (NULL, NULL);
  self->terms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, term_free);
  self->buckets = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->paragraphs = g_array_new (FALSE, FALSE, sizeof (ParagraphRef));
  self->notes = g_ptr_array_new_with_free_func (note_free);
  self->units = g_hash_table_new (NULL, NULL);

  add_counties (self);
  add_units (self);
  add_places (self);
  add_features (self);
  if (aliases_json != NULL && !load_aliases (self, aliases_json, error))
    return NULL;
  reading = g_resources_lookup_data (ATLAS_RESOURCE_MAPS "/plan/reading.json", 0, NULL);
  if (reading != NULL)
    load_reading (self, reading);
  build_buckets (self);

  if (data->plan == NULL)
    return g_steal_pointer (&self);

  sections = atlas_plan_get_sections (data->plan, &n_sections);
  for (guint s = 0; s < n_sections; s++)
    for (guint p = 0; p < sections[s].n_paragraphs; p++)
      {
        ParagraphRef ref = { &sections[s], &sections[s].paragraphs[p] };

        g_array_append_val (self->paragraphs, ref);
        scan_paragraph (self, &sections[s], &sections[s].paragraphs[p], index++);
      }

  for (guint i = 0; i < self->entities->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (self->entities, i);

      if (e->kind == ATLAS_ENTITY_FEATURE)
        add_cited_sections (self, e);
      g_ptr_array_sort (e->mentions, compare_mentions);
    }

  return g_steal_pointer (&self);
}

/**
 * atlas_plan_index_ref:
 *
 * Returns: (transfer full): @self, for a holder that keeps it
 */
AtlasPlanIndex *
atlas_plan_index_ref (AtlasPlanIndex *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
atlas_plan_index_unref (AtlasPlanIndex *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->own.basemap);
  g_clear_object (&self->own.gazetteer);
  g_clear_object (&self->own.plan);
  g_clear_object (&self->own.overlays);
  g_ptr_array_unref (self->entities);
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->by_name);
  g_hash_table_unref (self->counties);
  g_hash_table_unref (self->features);
  g_hash_table_unref (self->buckets);
  g_hash_table_unref (self->terms);
  g_array_unref (self->paragraphs);
  g_ptr_array_unref (self->notes);
  g_hash_table_unref (self->units);
  g_free (self);
}

/**
 * atlas_plan_index_lookup:
 * @name_or_id: a county code or name, a gazetteer id or name, a feature id
 *   or name
 *
 * Returns: (nullable) (transfer none): the entity
 */
AtlasEntity *
atlas_plan_index_lookup (AtlasPlanIndex *self,
                         const char     *name_or_id)
{
  AtlasEntity *e = g_hash_table_lookup (self->by_id, name_or_id);

  if (e == NULL)
    e = g_hash_table_lookup (self->by_name, name_or_id);
  if (e == NULL)
    {
      /* a short name, e.g. 天津港 for a place called 天津港（…） */
      Term *t = g_hash_table_lookup (self->terms, name_or_id);

      if (t != NULL && t->direct->len > 0)
        e = g_ptr_array_index (t->direct, 0);
    }
  return e;
}

AtlasEntity *
atlas_plan_index_get_county (AtlasPlanIndex *self,
                             guint32         code)
{
  return g_hash_table_lookup (self->counties, GUINT_TO_POINTER (code));
}

AtlasEntity *
atlas_plan_index_get_feature (AtlasPlanIndex            *self,
                              const AtlasOverlayFeature *feature)
{
  return g_hash_table_lookup (self->features, feature);
}

/* Memberships */

static gboolean
point_in_geom (const AtlasGeomLayer *g,
               const AtlasFeature   *f,
               double                x,
               double                y)
{
  AtlasRect pt = { x, y, x, y };
  gboolean inside = FALSE;

  if (!atlas_rect_intersects (&f->bbox, &pt))
    return FALSE;
  for (guint p = 0; p < f->n_parts; p++)
    {
      const AtlasPart *part = &g->parts[f->first_part + p];

      if (atlas_rect_intersects (&part->bbox, &pt)
          && atlas_geo_point_in_ring (&g->points[part->first_point], part->n_points, x, y))
        inside = !inside;
    }
  return inside;
}

/* A county's polygon; @band is ATLAS_N_BANDS - 1 (full detail) or coarser
 * where a few hundred metres do not matter. */
static const AtlasFeature *
county_feature_band (AtlasPlanIndex        *self,
                     guint32                code,
                     guint                  band,
                     const AtlasGeomLayer **layer)
{
  *layer = atlas_basemap_get_layer (self->data->basemap, ATLAS_LAYER_COUNTIES, band);
  for (guint i = 0; i < (*layer)->n_features; i++)
    if ((*layer)->features[i].code == code)
      return &(*layer)->features[i];
  return NULL;
}

/* Whether a line passes through a county: points every ~1 km along it. */
static gboolean
line_crosses (const AtlasOverlayFeature *line,
              const AtlasGeomLayer      *cg,
              const AtlasFeature        *cf)
{
  const AtlasGeomLayer *g = &line->geom[ATLAS_N_BANDS - 1];
  const double step = 1000.0 / 40075016.686;

  if (!atlas_rect_intersects (&line->bbox, &cf->bbox))
    return FALSE;
  for (guint p = 0; p < g->n_parts; p++)
    for (guint i = 0; i + 1 < g->parts[p].n_points; i++)
      {
        const AtlasPoint *a = &g->points[g->parts[p].first_point + i];
        const AtlasPoint *b = a + 1;
        AtlasRect seg = { MIN (a->x, b->x), MIN (a->y, b->y), MAX (a->x, b->x), MAX (a->y, b->y) };
        guint n;

        if (!atlas_rect_intersects (&seg, &cf->bbox))
          continue;
        n = MAX (1, (guint) ceil (hypot (b->x - a->x, b->y - a->y) / step));

        for (guint k = 0; k <= n; k++)
          if (point_in_geom (cg, cf, a->x + (b->x - a->x) * k / n, a->y + (b->y - a->y) * k / n))
            return TRUE;
      }
  return FALSE;
}

static gboolean
codes_contain (GArray  *codes,
               guint32  code)
{
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    if (g_array_index (codes, guint32, i) == code)
      return TRUE;
  return FALSE;
}

/* The distance in km from (x, y) to a line feature, in world coordinates. */
static double
line_distance_km (const AtlasOverlayFeature *line,
                  double                     x,
                  double                     y,
                  double                     lat)
{
  const AtlasGeomLayer *g = &line->geom[ATLAS_N_BANDS - 1];
  double best = G_MAXDOUBLE;

  for (guint p = 0; p < g->n_parts; p++)
    for (guint i = 0; i + 1 < g->parts[p].n_points; i++)
      {
        const AtlasPoint *a = &g->points[g->parts[p].first_point + i];
        const AtlasPoint *b = a + 1;
        double dx = b->x - a->x, dy = b->y - a->y, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? CLAMP (((x - a->x) * dx + (y - a->y) * dy) / len2, 0, 1) : 0;

        best = MIN (best, hypot (x - (a->x + t * dx), y - (a->y + t * dy)));
      }
  return best * 40075.016686 * cos (lat * G_PI / 180);
}

static void
add_membership (GArray      *out,
                AtlasEntity *e,
                double       share,
                gboolean     partial)
{
  AtlasMembership m = { e, share, partial };

  if (e != NULL)
    g_array_append_val (out, m);
}

/* What a county belongs to (@members) and what lies inside it (@inside):
 * zones of counties that list it, lines that pass through it, drawn zones
 * that cover it (members) or part of it (inside, with the share), point
 * features and gazetteer places in it (inside). */
static void
county_relations (AtlasPlanIndex *self,
                  AtlasEntity    *entity,
                  GArray         *members,
                  GArray         *inside)
{
  GPtrArray *features = atlas_overlays_get_features (self->data->overlays);
  guint32 code = ((const AtlasCounty *) entity->ref)->code;
  const AtlasGeomLayer *cg = NULL;
  const AtlasFeature *cf = county_feature_band (self, code, ATLAS_N_BANDS - 2, &cg);
  g_autoptr(GPtrArray) zones = g_ptr_array_new ();

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (f->shape == ATLAS_SHAPE_POLYGON && f->source == ATLAS_SOURCE_COUNTIES)
        {
          gboolean whole = codes_contain (f->counties, code);

          if (members != NULL && (whole || codes_contain (f->partial_counties, code)))
            add_membership (members, atlas_plan_index_get_feature (self, f), 1.0, !whole);
        }
      else if (cf == NULL || !atlas_rect_intersects (&f->bbox, &cf->bbox))
        continue;
      else if (f->shape == ATLAS_SHAPE_POLYGON)
        g_ptr_array_add (zones, f);
      else if (f->shape == ATLAS_SHAPE_LINE && members != NULL && line_crosses (f, cg, cf))
        add_membership (members, atlas_plan_index_get_feature (self, f), 1.0, FALSE);
      else if (f->shape == ATLAS_SHAPE_POINT && inside != NULL
               && point_in_geom (cg, cf, f->anchor.x, f->anchor.y))
        add_membership (inside, atlas_plan_index_get_feature (self, f), 1.0, FALSE);
    }

  if (zones->len > 0)
    {
      g_autofree double *of_unit = g_new (double, zones->len);
      g_autofree double *of_zone = g_new (double, zones->len);

      atlas_overlays_zone_shares (self->data->overlays, cg, cf, zones, of_unit, of_zone);
      for (guint i = 0; i < zones->len; i++)
        {
          AtlasEntity *e = atlas_plan_index_get_feature (self, zones->pdata[i]);

          /* a zone that covers (nearly) all of the county is one it belongs to */
          if (of_unit[i] >= 0.98 && members != NULL)
            add_membership (members, e, 1.0, FALSE);
          else if ((of_unit[i] >= 0.005 || of_zone[i] >= 0.25) && of_unit[i] < 0.98 && inside != NULL)
            add_membership (inside, e, of_unit[i], FALSE);
        }
    }

  if (inside != NULL)
    for (guint i = 0; i < self->entities->len; i++)
      {
        AtlasEntity *e = g_ptr_array_index (self->entities, i);

        gboolean drawn = FALSE;

        if (e->kind != ATLAS_ENTITY_PLACE || ((const AtlasPlace *) e->ref)->county_code != code)
          continue;
        /* a place drawn by a feature of the same name is listed once */
        for (guint k = 0; k < inside->len && !drawn; k++)
          drawn = g_str_equal (g_array_index (inside, AtlasMembership, k).entity->name_zh, e->name_zh);
        if (!drawn)
          add_membership (inside, e, 1.0, FALSE);
      }
}

static int
compare_shares (gconstpointer a,
                gconstpointer b)
{
  const AtlasMembership *ma = a, *mb = b;

  return ma->share != mb->share ? (ma->share > mb->share ? -1 : 1) : 0;
}

/* An area's zones and lines, aggregated from its counties: the share of
 * its area that each covers. */
static GArray *
area_memberships (AtlasPlanIndex *self,
                  AtlasEntity    *area)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));
  GPtrArray *features = atlas_overlays_get_features (self->data->overlays);
  g_autofree double *covered = g_new0 (double, features->len);
  double total = 0;

  for (guint k = 0; k < area->counties->len; k++)
    {
      guint32 code = g_array_index (area->counties, guint32, k);
      const AtlasCounty *c = atlas_basemap_lookup_county (self->data->basemap, code);
      const AtlasGeomLayer *cg = NULL;
      const AtlasFeature *cf = county_feature_band (self, code, ATLAS_N_BANDS - 2, &cg);

      if (c == NULL)
        continue;
      total += c->area_km2;
      for (guint i = 0; i < features->len; i++)
        {
          AtlasOverlayFeature *f = g_ptr_array_index (features, i);
          gboolean member = FALSE;

          if (f->shape == ATLAS_SHAPE_POLYGON && f->source == ATLAS_SOURCE_COUNTIES)
            member = codes_contain (f->counties, code);
          else if (cf == NULL || !atlas_rect_intersects (&f->bbox, &cf->bbox))
            continue;
          else if (f->shape == ATLAS_SHAPE_POLYGON && f->geom[ATLAS_N_BANDS - 1].n_features > 0)
            member = point_in_geom (&f->geom[ATLAS_N_BANDS - 1], &f->geom[ATLAS_N_BANDS - 1].features[0],
                                    atlas_geo_lon_to_world_x (c->label_lon),
                                    atlas_geo_lat_to_world_y (c->label_lat));
          else if (f->shape == ATLAS_SHAPE_LINE)
            member = line_crosses (f, cg, cf);
          if (member)
            covered[i] += c->area_km2;
        }
    }

  for (guint i = 0; i < features->len && total > 0; i++)
    if (covered[i] > 0)
      add_membership (out, atlas_plan_index_get_feature (self, features->pdata[i]),
                      MIN (1.0, covered[i] / total), FALSE);
  g_array_sort (out, compare_shares);
  return out;
}

/**
 * atlas_plan_index_memberships_full:
 *
 * The zones an entity belongs to and the lines that cross it (a place is
 * on a line within %ATLAS_LINE_BUFFER_KM of it), with shares for areas;
 * for a place, also its county.
 *
 * Returns: (transfer full): #AtlasMembership
 */
GArray *
atlas_plan_index_memberships_full (AtlasPlanIndex *self,
                                   AtlasEntity    *entity)
{
  GArray *out;
  GPtrArray *features;
  double x = atlas_geo_lon_to_world_x (entity->lon), y = atlas_geo_lat_to_world_y (entity->lat);

  if (entity->kind == ATLAS_ENTITY_AREA)
    return area_memberships (self, entity);

  out = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));
  if (entity->kind == ATLAS_ENTITY_COUNTY)
    {
      county_relations (self, entity, out, NULL);
      return out;
    }

  if (entity->kind == ATLAS_ENTITY_PLACE)
    {
      const AtlasPlace *place = entity->ref;

      if (place->county_code != 0)
        add_membership (out, atlas_plan_index_get_county (self, place->county_code), 1.0, FALSE);
    }

  features = atlas_overlays_get_features (self->data->overlays);
  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);
      const AtlasGeomLayer *g = &f->geom[ATLAS_N_BANDS - 1];
      gboolean member = FALSE;

      if (entity->kind == ATLAS_ENTITY_FEATURE && f == entity->ref)
        continue;

      if (f->shape == ATLAS_SHAPE_POLYGON && entity->kind == ATLAS_ENTITY_FEATURE
          && ((AtlasOverlayFeature *) entity->ref)->shape == ATLAS_SHAPE_POLYGON)
        {
          /* a zone belongs to the zones that cover it (within 2 %) */
          const AtlasOverlayFeature *e = entity->ref;
          double slack_x = (e->bbox.x1 - e->bbox.x0) * 0.05, slack_y = (e->bbox.y1 - e->bbox.y0) * 0.05;

          member = f->bbox.x0 <= e->bbox.x0 + slack_x && f->bbox.y0 <= e->bbox.y0 + slack_y
                   && f->bbox.x1 >= e->bbox.x1 - slack_x && f->bbox.y1 >= e->bbox.y1 - slack_y
                   && atlas_overlays_uncovered_fraction (self->data->overlays, e, f) < 0.02;
        }
      else if (f->shape == ATLAS_SHAPE_POLYGON)
        member = g->n_features > 0 && point_in_geom (g, &g->features[0], x, y);
      else if (f->shape == ATLAS_SHAPE_LINE && entity->kind != ATLAS_ENTITY_FEATURE)
        member = line_distance_km (f, x, y, entity->lat) <= ATLAS_LINE_BUFFER_KM;
      else if (f->shape == ATLAS_SHAPE_LINE
               && ((AtlasOverlayFeature *) entity->ref)->shape == ATLAS_SHAPE_POINT)
        member = line_distance_km (f, x, y, entity->lat) <= ATLAS_LINE_BUFFER_KM;

      if (member)
        add_membership (out, atlas_plan_index_get_feature (self, f), 1.0, FALSE);
    }

  return out;
}

/**
 * atlas_plan_index_memberships:
 *
 * Returns: (transfer container): the #AtlasEntity of
 *   atlas_plan_index_memberships_full ()
 */
GPtrArray *
atlas_plan_index_memberships (AtlasPlanIndex *self,
                              AtlasEntity    *entity)
{
  g_autoptr(GArray) full = atlas_plan_index_memberships_full (self, entity);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < full->len; i++)
    g_ptr_array_add (out, g_array_index (full, AtlasMembership, i).entity);
  return out;
}

/**
 * atlas_plan_index_relations:
 * @members: (out) (transfer full): as atlas_plan_index_memberships_full ()
 * @inside: (out) (transfer full): as atlas_plan_index_inside ()
 *
 * Both at once: for a county, one pass over the features.
 */
void
atlas_plan_index_relations (AtlasPlanIndex  *self,
                            AtlasEntity     *entity,
                            GArray         **members,
                            GArray         **inside)
{
  if (entity->kind != ATLAS_ENTITY_COUNTY)
    {
      *members = atlas_plan_index_memberships_full (self, entity);
      *inside = atlas_plan_index_inside (self, entity);
      return;
    }
  *members = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));
  *inside = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));
  county_relations (self, entity, *members, *inside);
}

/**
 * atlas_plan_index_inside:
 *
 * For a county, the features and places that lie in it: points in it and
 * drawn zones that cover part of it (share = the part of the county they
 * cover). Empty for other entities.
 *
 * Returns: (transfer full): #AtlasMembership
 */
GArray *
atlas_plan_index_inside (AtlasPlanIndex *self,
                         AtlasEntity    *entity)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));

  if (entity->kind == ATLAS_ENTITY_COUNTY)
    county_relations (self, entity, NULL, out);
  else if (entity->kind == ATLAS_ENTITY_AREA && entity->counties->len <= MAX_INSIDE_COUNTIES)
    {
      /* a prefecture or a collective name: its counties, and what lies in them */
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (guint i = 0; i < entity->counties->len; i++)
        {
          AtlasEntity *county = atlas_plan_index_get_county (self, g_array_index (entity->counties, guint32, i));
          g_autoptr(GArray) in_county = NULL;

          if (county == NULL)
            continue;
          add_membership (out, county, 1.0, FALSE);
          in_county = g_array_new (FALSE, FALSE, sizeof (AtlasMembership));
          county_relations (self, county, NULL, in_county);
          for (guint k = 0; k < in_county->len; k++)
            {
              AtlasMembership *m = &g_array_index (in_county, AtlasMembership, k);

              /* points once; zones that straddle counties once, without a share */
              if (g_hash_table_contains (seen, m->entity))
                continue;
              g_hash_table_add (seen, m->entity);
              add_membership (out, m->entity, m->share < 1.0 ? 0 : 1.0, FALSE);
            }
        }
      for (guint i = 0; i < out->len; i++)
        if (g_array_index (out, AtlasMembership, i).share == 0)
          g_array_index (out, AtlasMembership, i).share = NAN;
    }
  return out;
}

/**
 * atlas_plan_index_inside_mentions:
 * @inside: from atlas_plan_index_inside ()
 *
 * The passages about what lies inside @entity that do not already name
 * @entity, once each, in plan order; each mention's @about is the feature
 * or place it is about.
 *
 * Returns: (transfer full): #AtlasMention
 */
GPtrArray *
atlas_plan_index_inside_mentions (AtlasPlanIndex *self,
                                  AtlasEntity    *entity,
                                  GArray         *inside)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < entity->mentions->len; i++)
    g_hash_table_add (seen, (gpointer) ((AtlasMention *) entity->mentions->pdata[i])->paragraph);

  for (guint k = 0; k < inside->len; k++)
    {
      AtlasEntity *e = g_array_index (inside, AtlasMembership, k).entity;

      for (guint i = 0; i < e->mentions->len; i++)
        {
          AtlasMention *m = g_ptr_array_index (e->mentions, i), *copy;

          /* a passage that names it, not one that only cites its section */
          /* a county in an area: also where a collective name stands for it */
          if ((m->via_alias && e->kind != ATLAS_ENTITY_COUNTY) || m->length == 0
              || g_hash_table_contains (seen, m->paragraph))
            continue;
          g_hash_table_add (seen, (gpointer) m->paragraph);
          copy = g_memdup2 (m, sizeof *m);
          copy->role = FALSE;
          copy->about = e;
          g_ptr_array_add (out, copy);
        }
    }
  g_ptr_array_sort (out, compare_mentions);
  return out;
}

/**
 * atlas_plan_index_features_citing:
 *
 * Returns: (transfer container): the features that cite @section_id or a
 *   part of it, themselves or through their layer
 */
GPtrArray *
atlas_plan_index_features_citing (AtlasPlanIndex *self,
                                  const char     *section_id)
{
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *features = atlas_overlays_get_features (self->data->overlays);

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (section_cites (section_id, f))
        g_ptr_array_add (out, f);
    }
  return out;
}

double
atlas_entity_area_km2 (AtlasEntity *entity,
                       double      *stated_km2)
{
  *stated_km2 = NAN;
  if (entity->kind == ATLAS_ENTITY_COUNTY)
    return ((const AtlasCounty *) entity->ref)->area_km2;
  if (entity->kind == ATLAS_ENTITY_AREA)
    return entity->area_km2 > 0 ? entity->area_km2 : NAN;
  if (entity->kind == ATLAS_ENTITY_FEATURE)
    {
      const AtlasOverlayFeature *f = entity->ref;

      *stated_km2 = f->stated_area_km2;
      return f->area_km2;
    }
  return NAN;
}

const char *
atlas_entity_kind_to_string (AtlasEntityKind kind)
{
  switch (kind)
    {
    case ATLAS_ENTITY_COUNTY:
      return "county";
    case ATLAS_ENTITY_PLACE:
      return "place";
    case ATLAS_ENTITY_AREA:
      return "area";
    case ATLAS_ENTITY_FEATURE:
    default:
      return "feature";
    }
}

/* Search */

static int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const AtlasSearchResult *ra = a, *rb = b;

  if (ra->score != rb->score)
    return ra->score > rb->score ? -1 : 1;
  if ((ra->entity == NULL) != (rb->entity == NULL))
    return ra->entity != NULL ? -1 : 1;
  if (ra->entity == NULL)
    return ra->passage.paragraph_index < rb->passage.paragraph_index ? -1 : 1;
  return g_strcmp0 (ra->entity->id, rb->entity->id);
}

static double
score_name (const char *name,
            const char *query,
            const char *folded_query)
{
  g_autofree char *folded = NULL;

  if (name == NULL)
    return 0;
  if (g_str_equal (name, query))
    return 100;
  if (g_str_has_prefix (name, query))
    return 80 - MIN (20, g_utf8_strlen (name, -1) - g_utf8_strlen (query, -1));
  if (strstr (name, query) != NULL)
    return 60 - MIN (20, g_utf8_strlen (name, -1) - g_utf8_strlen (query, -1));
  folded = g_utf8_casefold (name, -1);
  if (strstr (folded, folded_query) != NULL)
    return 40;
  return 0;
}

/**
 * atlas_plan_index_search:
 *
 * Places, counties and features whose names match @query, best first,
 * then the paragraphs that contain it, in plan order.
 *
 * Returns: (transfer full): #AtlasSearchResult
 */
GArray *
atlas_plan_index_search (AtlasPlanIndex *self,
                         const char     *query,
                         guint           max_results)
{
  GArray *results = g_array_new (FALSE, TRUE, sizeof (AtlasSearchResult));
  g_autofree char *q = g_strstrip (g_strdup (query != NULL ? query : ""));
  g_autofree char *folded = g_utf8_casefold (q, -1);
  guint n_passages = 0;

  if (*q == '\0')
    return results;

  for (guint i = 0; i < self->entities->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (self->entities, i);
      double score = MAX (score_name (e->name_zh, q, folded),
                          MAX (score_name (e->name_en, q, folded), g_str_equal (e->id, q) ? 95 : 0));

      if (score > 0)
        {
          AtlasSearchResult r = { e, { 0 }, score + (e->kind == ATLAS_ENTITY_FEATURE ? 2 : 0)
                                               + (e->kind == ATLAS_ENTITY_COUNTY ? 1 : 0) };
          g_array_append_val (results, r);
        }
    }

  for (guint i = 0; i < self->paragraphs->len; i++)
    {
      ParagraphRef *ref = &g_array_index (self->paragraphs, ParagraphRef, i);
      const char *hit = strstr (ref->paragraph->text, q);

      if (hit != NULL)
        {
          AtlasSearchResult r = { NULL, { 0 }, 30 };

          r.passage.section = ref->section;
          r.passage.paragraph = ref->paragraph;
          r.passage.paragraph_index = i;
          r.passage.offset = hit - ref->paragraph->text;
          r.passage.length = strlen (q);
          g_array_append_val (results, r);
          n_passages++;
        }
    }

  g_array_sort (results, compare_results);
  if (max_results > 0 && results->len > max_results)
    g_array_set_size (results, max_results);
  return results;
}

/* JSON */

static void add_entity_ref (JsonBuilder *b,
                            AtlasEntity *e);

static void
add_mention_json (AtlasPlanIndex     *self,
                  JsonBuilder        *b,
                  const AtlasMention *m)
{
  json_builder_begin_object (b);
  atlas_json_add_string (b, "section", m->section->id);
  atlas_json_add_string (b, "section_title", m->section->title_zh);
  atlas_json_add_string (b, "paragraph", m->paragraph->id);
  json_builder_set_member_name (b, "match");
  if (m->length > 0)
    {
      g_autofree char *match = g_strndup (m->paragraph->text + m->offset, m->length);
      json_builder_add_string_value (b, match);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "via_alias");
  json_builder_add_boolean_value (b, m->via_alias);
  atlas_json_add_string (b, "text", m->paragraph->text);
  if (m->about != NULL)
    {
      json_builder_set_member_name (b, "about");
      add_entity_ref (b, m->about);
    }
  if (self != NULL)
    {
      g_autoptr(GPtrArray) notes = atlas_plan_index_notes (self, m->paragraph);

      if (notes->len > 0)
        {
          json_builder_set_member_name (b, "notes");
          json_builder_begin_array (b);
          for (guint i = 0; i < notes->len; i++)
            {
              AtlasPlanNote *n = g_ptr_array_index (notes, i);

              json_builder_begin_object (b);
              atlas_json_add_string (b, "printed", n->printed);
              atlas_json_add_string (b, "probable", n->probable);
              atlas_json_add_string (b, "note_zh", n->note_zh);
              atlas_json_add_string (b, "note_en", n->note_en);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
    }
  json_builder_end_object (b);
}

static void
add_memberships_json (JsonBuilder *b,
                      const char  *name,
                      GArray      *list)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      AtlasMembership *m = &g_array_index (list, AtlasMembership, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "entity");
      add_entity_ref (b, m->entity);
      json_builder_set_member_name (b, "share");
      if (isnan (m->share))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, round (m->share * 1000) / 1000);
      json_builder_set_member_name (b, "partial");
      json_builder_add_boolean_value (b, m->partial);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_entity_ref (JsonBuilder *b,
                AtlasEntity *e)
{
  json_builder_begin_object (b);
  atlas_json_add_string (b, "kind", atlas_entity_kind_to_string (e->kind));
  atlas_json_add_string (b, "id", e->id);
  atlas_json_add_string (b, "name_zh", e->name_zh);
  atlas_json_add_string (b, "name_en", e->name_en);
  atlas_json_add_string (b, "context", e->context);
  if (e->kind == ATLAS_ENTITY_FEATURE)
    {
      const AtlasOverlayFeature *f = e->ref;

      atlas_json_add_string (b, "group", f->layer->group->id);
      atlas_json_add_string (b, "layer", f->layer->id);
    }
  json_builder_end_object (b);
}

/**
 * atlas_entity_to_json:
 *
 * What the side panel shows about @entity: memberships, figures, role
 * paragraphs and the other passages that mention it.
 *
 * Returns: (transfer full): JSON text
 */
char *
atlas_entity_to_json (AtlasPlanIndex *self,
                      AtlasEntity    *entity)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GArray) full = NULL;
  g_autoptr(GArray) inside = NULL;
  g_autoptr(GPtrArray) inside_mentions = NULL;
  double stated, area = atlas_entity_area_km2 (entity, &stated);

  atlas_plan_index_relations (self, entity, &full, &inside);
  inside_mentions = atlas_plan_index_inside_mentions (self, entity, inside);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "entity");
  add_entity_ref (b, entity);
  json_builder_set_member_name (b, "area_km2");
  if (isnan (area))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, round (area * 10) / 10);
  json_builder_set_member_name (b, "stated_area_km2");
  if (isnan (stated))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, stated);

  json_builder_set_member_name (b, "memberships");
  json_builder_begin_array (b);
  for (guint i = 0; i < full->len; i++)
    add_entity_ref (b, g_array_index (full, AtlasMembership, i).entity);
  json_builder_end_array (b);
  add_memberships_json (b, "membership_shares", full);

  if (entity->kind == ATLAS_ENTITY_AREA)
    {
      json_builder_set_member_name (b, "counties");
      json_builder_begin_array (b);
      for (guint i = 0; i < entity->counties->len; i++)
        add_entity_ref (b, atlas_plan_index_get_county (self, g_array_index (entity->counties, guint32, i)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "partial_counties");
      json_builder_begin_array (b);
      for (guint i = 0; i < entity->partial->len; i++)
        add_entity_ref (b, atlas_plan_index_get_county (self, g_array_index (entity->partial, guint32, i)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "places");
      json_builder_begin_array (b);
      for (guint i = 0; i < entity->places->len; i++)
        add_entity_ref (b, g_ptr_array_index (entity->places, i));
      json_builder_end_array (b);
    }

  add_memberships_json (b, "inside", inside);
  json_builder_set_member_name (b, "inside_mentions");
  json_builder_begin_array (b);
  for (guint i = 0; i < inside_mentions->len; i++)
    add_mention_json (self, b, g_ptr_array_index (inside_mentions, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "role");
  json_builder_begin_array (b);
  for (guint i = 0; i < entity->mentions->len; i++)
    if (((AtlasMention *) entity->mentions->pdata[i])->role)
      add_mention_json (self, b, g_ptr_array_index (entity->mentions, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "mentions");
  json_builder_begin_array (b);
  for (guint i = 0; i < entity->mentions->len; i++)
    if (!((AtlasMention *) entity->mentions->pdata[i])->role)
      add_mention_json (self, b, g_ptr_array_index (entity->mentions, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  return atlas_json_builder_to_string (b, TRUE);
}

char *
atlas_search_results_to_json (GArray *results)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < results->len; i++)
    {
      AtlasSearchResult *r = &g_array_index (results, AtlasSearchResult, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, r->entity != NULL ? atlas_entity_kind_to_string (r->entity->kind)
                                                          : "passage");
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, r->score);
      if (r->entity != NULL)
        {
          json_builder_set_member_name (b, "entity");
          add_entity_ref (b, r->entity);
        }
      else
        {
          json_builder_set_member_name (b, "passage");
          add_mention_json (NULL, b, &r->passage);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return atlas_json_builder_to_string (b, TRUE);
}
