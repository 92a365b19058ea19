/* atlas-plan.c — the plan's text, structured (maps/plan/plan.json) */

#include "atlas-plan.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "atlas-basemap.h"
#include "atlas-data-error.h"

struct _AtlasPlan
{
  GObject     parent_instance;
  char       *title;
  GArray     *sections;  /* AtlasSection */
  GHashTable *index;     /* id → index + 1 */
};

G_DEFINE_FINAL_TYPE (AtlasPlan, atlas_plan, G_TYPE_OBJECT)

static void
clear_section (gpointer data)
{
  AtlasSection *s = data;

  g_free (s->id);
  g_free (s->kind);
  g_free (s->parent);
  g_free (s->number_zh);
  g_free (s->title_zh);
  g_free (s->title_en);
  for (guint i = 0; i < s->n_paragraphs; i++)
    {
      g_free (s->paragraphs[i].id);
      g_free (s->paragraphs[i].text);
    }
  g_free (s->paragraphs);
}

static void
atlas_plan_finalize (GObject *object)
{
  AtlasPlan *self = ATLAS_PLAN (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->sections, g_array_unref);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (atlas_plan_parent_class)->finalize (object);
}

static void
atlas_plan_class_init (AtlasPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_plan_finalize;
}

static void
atlas_plan_init (AtlasPlan *self)
{
  self->sections = g_array_new (FALSE, TRUE, sizeof (AtlasSection));
  g_array_set_clear_func (self->sections, clear_section);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
}

static char *
dup_member (JsonObject *o,
            const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gboolean
fail (GError    **error,
      const char *name,
      const char *what,
      guint       index)
{
  g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
               "%s: section %u: %s", name, index + 1, what);
  return FALSE;
}

static gboolean
parse_section (JsonNode     *node,
               const char   *name,
               guint         index,
               AtlasSection *s,
               GError      **error)
{
  JsonObject *o;
  JsonNode *paragraphs;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, "not an object", index);
  o = json_node_get_object (node);

  s->id = dup_member (o, "id");
  s->kind = dup_member (o, "kind");
  s->parent = dup_member (o, "parent");
  s->number_zh = dup_member (o, "number_zh");
  s->title_zh = dup_member (o, "title_zh");
  s->title_en = dup_member (o, "title_en");
  if (s->id == NULL || s->kind == NULL || s->title_zh == NULL)
    return fail (error, name, "id, kind or title_zh missing", index);

  paragraphs = json_object_get_member (o, "paragraphs");
  if (paragraphs == NULL || !JSON_NODE_HOLDS_ARRAY (paragraphs))
    return fail (error, name, "paragraphs missing", index);
  array = json_node_get_array (paragraphs);
  s->n_paragraphs = json_array_get_length (array);
  s->paragraphs = g_new0 (AtlasParagraph, MAX (s->n_paragraphs, 1));
  for (guint i = 0; i < s->n_paragraphs; i++)
    {
      JsonNode *p = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (p))
        return fail (error, name, "paragraph is not an object", index);
      s->paragraphs[i].id = dup_member (json_node_get_object (p), "id");
      s->paragraphs[i].text = dup_member (json_node_get_object (p), "text");
      if (s->paragraphs[i].id == NULL || s->paragraphs[i].text == NULL)
        return fail (error, name, "paragraph without id or text", index);
    }

  return TRUE;
}

AtlasPlan *
atlas_plan_new_from_bytes (GBytes      *bytes,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(AtlasPlan) self = g_object_new (ATLAS_TYPE_PLAN, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonObject *root;
  JsonNode *sections;
  JsonArray *array;

  if (!atlas_check_json_depth (data, size, name, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_TOO_LARGE, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, size, &local_error))
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT, "%s: %s", name,
                   local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                   "%s: the top level is not an object", name);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  self->title = dup_member (root, "title_zh");
  sections = json_object_get_member (root, "sections");
  if (self->title == NULL || sections == NULL || !JSON_NODE_HOLDS_ARRAY (sections))
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                   "%s: title_zh or sections missing", name);
      return NULL;
    }

  array = json_node_get_array (sections);
  g_array_set_size (self->sections, json_array_get_length (array));
  for (guint i = 0; i < self->sections->len; i++)
    {
      AtlasSection *s = &g_array_index (self->sections, AtlasSection, i);

      if (!parse_section (json_array_get_element (array, i), name, i, s, error))
        return NULL;
      if (g_hash_table_contains (self->index, s->id))
        {
          fail (error, name, "duplicate id", i);
          return NULL;
        }
      g_hash_table_insert (self->index, s->id, GUINT_TO_POINTER (i + 1));
    }

  return g_steal_pointer (&self);
}

/**
 * atlas_section_within:
 *
 * Returns: whether section @id is @ancestor or one of its subsections
 *   ("4.1.2" is within "4.1", "4.10" is not)
 */
gboolean
atlas_section_within (const char *id,
                      const char *ancestor)
{
  gsize n = strlen (ancestor);

  return g_str_equal (id, ancestor) || (strncmp (id, ancestor, n) == 0 && id[n] == '.');
}

const AtlasSection *
atlas_plan_lookup (AtlasPlan  *self,
                   const char *id)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (self->index, id));

  return i ? &g_array_index (self->sections, AtlasSection, i - 1) : NULL;
}

const AtlasSection *
atlas_plan_get_sections (AtlasPlan *self,
                         guint     *n_sections)
{
  *n_sections = self->sections->len;
  return (const AtlasSection *) self->sections->data;
}

const char *
atlas_plan_get_title (AtlasPlan *self)
{
  return self->title;
}
