/* atlas-overlays-reader.c — the JSON reader of the overlay layers
 * (maps/layers/GROUP.json): groups, layers, styles and features, and the
 * loader that reads the files on up to two threads and merges them */

#include "atlas-overlays-private.h"
#include "atlas-data-error.h"
#include "atlas-union-cache.h"
#include "atlas-geos-guard.h"

#include <geos_c.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

gboolean
atlas_overlays_set_error (GError     **error,
                          Loader      *loader,
                          int          code,
                          const char  *format,
                          ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (loader->feature != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, code, "%s: feature “%s”: %s", loader->file,
                 loader->feature, message);
  else
    g_set_error (error, ATLAS_OVERLAYS_ERROR, code, "%s: %s", loader->file, message);
  return FALSE;
}

static void
style_free (gpointer data)
{
  AtlasOverlayStyle *s = data;

  g_free (s->id);
  g_free (s->name_zh);
  g_free (s->name_en);
  g_free (s);
}

/* JSON helpers */

gboolean
atlas_json_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64;
}

const char *
atlas_json_get_string (JsonObject *o,
                       const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
atlas_json_get_number (JsonObject *o,
                       const char *name,
                       double     *out)
{
  JsonNode *node = json_object_get_member (o, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_double (node);
  return isfinite (*out);
}

gboolean
atlas_json_get_bool (JsonObject *o,
                     const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

JsonArray *
atlas_json_get_array (JsonObject *o,
                      const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
atlas_json_get_object (JsonObject *o,
                       const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Names shared by groups, layers and features. */
static gboolean
get_names (Loader      *loader,
           JsonObject  *o,
           const char  *what,
           char       **id,
           char       **name_zh,
           char       **name_en,
           GError     **error)
{
  const char *s_id = atlas_json_get_string (o, "id");
  const char *s_zh = atlas_json_get_string (o, "name_zh");
  const char *s_en = atlas_json_get_string (o, "name_en");

  if (s_id == NULL || *s_id == '\0')
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "a %s without an id", what);
  if (s_zh == NULL || s_en == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "%s “%s” lacks name_zh or name_en",
                                     what, s_id);
  *id = g_strdup (s_id);
  *name_zh = g_strdup (s_zh);
  *name_en = g_strdup (s_en);
  return TRUE;
}

static gboolean
get_plan_refs (Loader      *loader,
               JsonObject  *o,
               gboolean     required,
               char      ***out,
               GError     **error)
{
  JsonArray *array = atlas_json_get_array (o, "plan_refs");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (array == NULL || json_array_get_length (array) == 0)
    {
      if (required)
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "no plan_refs: every feature must cite the plan's sections");
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *ref;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "plan_refs must be strings");
      ref = json_node_get_string (node);
      if (loader->plan != NULL && atlas_plan_lookup (loader->plan, ref) == NULL)
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                                         "plan_refs names section “%s”, which the plan does not have", ref);
      g_strv_builder_add (builder, ref);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_color (const char *s,
             AtlasColor *c)
{
  guint v[4] = { 0, 0, 0, 255 };
  gsize len;

  if (s == NULL || s[0] != '#')
    return FALSE;
  len = strlen (s + 1);
  if (len != 6 && len != 8)
    return FALSE;
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (s[1 + 2 * i]), lo = g_ascii_xdigit_value (s[2 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      v[i] = hi * 16 + lo;
    }
  c->r = v[0] / 255.0;
  c->g = v[1] / 255.0;
  c->b = v[2] / 255.0;
  c->a = v[3] / 255.0;
  return TRUE;
}

static gboolean
lookup_enum (const char         *s,
             const char * const *names,
             guint               n_names,
             guint              *out)
{
  for (guint i = 0; i < n_names; i++)
    if (names[i] != NULL && g_strcmp0 (s, names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static const char * const kind_names[] = { "zone", "band", "line", "point", "label" };
static const char * const hatch_names[] = { "none", "diagonal", "cross", "dots", "trees" };
static const char * const symbol_names[] = {
  "none", "circle", "square", "triangle", "diamond", "star", "airport", "seaport", "dryport",
  "heritage", "red_flag", "reservoir", "lab",
};
static const char * const source_names[] = { "counties", "path", "ring", "point", "geometry" };

static gboolean
parse_style (Loader             *loader,
             const char         *class_id,
             JsonObject         *o,
             AtlasOverlayStyle **out,
             GError            **error)
{
  g_autoptr(GError) local = NULL;
  AtlasOverlayStyle *s = g_new0 (AtlasOverlayStyle, 1);
  JsonArray *dash;
  const char *text;
  guint v;

  *out = s;
  s->id = g_strdup (class_id);
  s->name_zh = g_strdup (atlas_json_get_string (o, "name_zh"));
  s->name_en = g_strdup (atlas_json_get_string (o, "name_en"));
  if (s->name_zh == NULL || s->name_en == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "style class “%s” lacks name_zh or name_en", class_id);

  if ((text = atlas_json_get_string (o, "fill")) != NULL)
    {
      if (!parse_color (text, &s->fill))
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "style class “%s”: bad fill colour “%s”", class_id, text);
      s->has_fill = TRUE;
    }
  if ((text = atlas_json_get_string (o, "stroke")) != NULL)
    {
      if (!parse_color (text, &s->stroke))
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "style class “%s”: bad stroke colour “%s”", class_id, text);
      s->has_stroke = TRUE;
    }
  if (!atlas_json_get_number (o, "stroke_width", &s->stroke_width))
    s->stroke_width = 1.5;
  s->stroke_width = CLAMP (s->stroke_width, 0, 40);
  if ((dash = atlas_json_get_array (o, "dash")) != NULL && json_array_get_length (dash) >= 2)
    {
      /* two numbers (dash, gap) or four (dash, gap, dot, gap: dash-dot) */
      s->n_dash = json_array_get_length (dash) >= 4 ? 4 : 2;
      for (guint i = 0; i < s->n_dash; i++)
        {
          if (!atlas_json_node_is_number (json_array_get_element (dash, i)))
            return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                             "style class “%s”: dash must be two or four numbers", class_id);
          s->dash[i] = CLAMP (json_array_get_double_element (dash, i), 0.5, 100);
        }
      s->has_dash = TRUE;
    }
  s->nested = atlas_json_get_bool (o, "nested");
  s->arrow = atlas_json_get_bool (o, "arrow");
  if ((text = atlas_json_get_string (o, "hatch")) != NULL)
    {
      if (!lookup_enum (text, hatch_names, G_N_ELEMENTS (hatch_names), &v))
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "style class “%s”: unknown hatch “%s”", class_id, text);
      s->hatch = v;
    }
  if ((text = atlas_json_get_string (o, "symbol")) != NULL)
    {
      if (!lookup_enum (text, symbol_names, G_N_ELEMENTS (symbol_names), &v))
        return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                         "style class “%s”: unknown symbol “%s”", class_id, text);
      s->symbol = v;
    }
  if (!atlas_json_get_number (o, "symbol_size", &s->symbol_size))
    s->symbol_size = 12;
  s->symbol_size = CLAMP (s->symbol_size, 4, 48);
  if (!atlas_json_get_number (o, "band_width_px", &s->band_width_px))
    s->band_width_px = 0;
  s->band_width_px = CLAMP (s->band_width_px, 0, 80);

  return TRUE;
}


static gboolean
parse_feature (Loader             *loader,
               JsonNode           *node,
               AtlasOverlayLayer  *layer,
               GError            **error)
{
  AtlasOverlays *self = loader->self;
  AtlasOverlayFeature *f;
  JsonObject *o;
  const char *class_id;
  gboolean resolved;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "layer “%s”: a feature is not an object", layer->id);
  o = json_node_get_object (node);

  f = g_new0 (AtlasOverlayFeature, 1);
  f->stated_area_km2 = NAN;
  f->area_km2 = NAN;
  f->layer = layer;
  f->index = self->features->len;
  g_ptr_array_add (self->features, f);

  if (!get_names (loader, o, "feature", &f->id, &f->name_zh, &f->name_en, error))
    return FALSE;
  loader->feature = f->id;

  if (g_hash_table_contains (self->feature_index, f->id))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "the id is used twice");
  g_hash_table_insert (self->feature_index, f->id, f);

  class_id = atlas_json_get_string (o, "class");
  for (guint i = 0; class_id != NULL && i < layer->styles->len; i++)
    if (g_str_equal (((AtlasOverlayStyle *) layer->styles->pdata[i])->id, class_id))
      f->style = layer->styles->pdata[i];
  if (f->style == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                                     "class “%s” is not a style class of layer “%s”",
                                     class_id != NULL ? class_id : "(none)", layer->id);

  if (!get_plan_refs (loader, o, TRUE, &f->plan_refs, error))
    return FALSE;
  f->schematic = atlas_json_get_bool (o, "schematic");
  f->note = g_strdup (atlas_json_get_string (o, "note"));
  if (json_object_has_member (o, "stated_area_km2")
      && (!atlas_json_get_number (o, "stated_area_km2", &f->stated_area_km2) || f->stated_area_km2 <= 0))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "stated_area_km2 is not a positive number");

  /* one bad polygon cannot freeze loading: its GEOS work has a time limit */
  atlas_geos_guard_begin (ATLAS_GEOS_GUARD_SECONDS);
  resolved = atlas_overlays_resolve_geometry (loader, o, f, error);
  if (atlas_geos_guard_end ())
    {
      g_clear_error (error);
      return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                       "its geometry took more than %.0f s to build (self-crossing?)",
                                       ATLAS_GEOS_GUARD_SECONDS);
    }
  if (!resolved)
    return FALSE;

  g_ptr_array_add (layer->features, f);
  loader->feature = NULL;
  return TRUE;
}

static gboolean
parse_layer (Loader             *loader,
             JsonNode           *node,
             AtlasOverlayGroup  *group,
             GError            **error)
{
  AtlasOverlays *self = loader->self;
  AtlasOverlayLayer *layer;
  JsonObject *o, *style, *classes;
  JsonArray *features;
  const char *kind;
  guint v;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "a layer is not an object");
  o = json_node_get_object (node);

  layer = g_new0 (AtlasOverlayLayer, 1);
  layer->group = group;
  layer->styles = g_ptr_array_new_with_free_func (style_free);
  layer->features = g_ptr_array_new ();
  layer->index = self->layers->len;
  g_ptr_array_add (self->layers, layer);

  if (!get_names (loader, o, "layer", &layer->id, &layer->name_zh, &layer->name_en, error))
    return FALSE;
  if (g_hash_table_contains (self->layer_index, layer->id))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "layer id “%s” is used twice",
                                     layer->id);
  g_hash_table_insert (self->layer_index, layer->id, layer);
  if (!get_plan_refs (loader, o, FALSE, &layer->plan_refs, error))
    return FALSE;

  style = atlas_json_get_object (o, "style");
  classes = style != NULL ? atlas_json_get_object (style, "classes") : NULL;
  kind = style != NULL ? atlas_json_get_string (style, "kind") : NULL;
  if (kind == NULL || classes == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "layer “%s” needs a style with a kind and classes", layer->id);
  if (!lookup_enum (kind, kind_names, G_N_ELEMENTS (kind_names), &v))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "layer “%s”: unknown style kind “%s”", layer->id, kind);
  layer->kind = v;

  {
    g_autoptr(GList) members = json_object_get_members (classes);

    for (GList *l = members; l != NULL; l = l->next)
      {
        JsonObject *c = atlas_json_get_object (classes, l->data);
        AtlasOverlayStyle *s = NULL;

        if (c == NULL)
          return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                           "layer “%s”: style class “%s” is not an object", layer->id,
                                           (char *) l->data);
        if (!parse_style (loader, l->data, c, &s, error))
          {
            style_free (s);
            return FALSE;
          }
        g_ptr_array_add (layer->styles, s);
      }
  }

  features = atlas_json_get_array (o, "features");
  if (features == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "layer “%s” has no features",
                                     layer->id);
  for (guint i = 0; i < json_array_get_length (features); i++)
    if (!parse_feature (loader, json_array_get_element (features, i), layer, error))
      return FALSE;

  g_ptr_array_add (group->layers, layer);
  return TRUE;
}

static gboolean
parse_group (Loader      *loader,
             GBytes      *bytes,
             GError     **error)
{
  AtlasOverlays *self = loader->self;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  AtlasOverlayGroup *group;
  JsonObject *root;
  JsonArray *layers;
  double order = 0;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!atlas_check_json_depth (data, size, "JSON", G_IO_ERROR, 0, &local))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "%s", local->message);
  if (!json_parser_load_from_data (parser, data, size, &local))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "malformed JSON: %s",
                                     local->message);
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "the top level is not an object");
  root = json_node_get_object (json_parser_get_root (parser));

  group = g_new0 (AtlasOverlayGroup, 1);
  group->layers = g_ptr_array_new ();
  g_ptr_array_add (self->groups, group);

  if (!get_names (loader, root, "group", &group->id, &group->name_zh, &group->name_en, error))
    return FALSE;
  if (g_hash_table_contains (self->group_index, group->id))
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "group id “%s” is used twice",
                                     group->id);
  g_hash_table_insert (self->group_index, group->id, group);
  atlas_json_get_number (root, "order", &order);
  group->order = (int) order;
  if (!get_plan_refs (loader, root, FALSE, &group->plan_refs, error))
    return FALSE;

  layers = atlas_json_get_array (root, "layers");
  if (layers == NULL || json_array_get_length (layers) == 0)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "no layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    if (!parse_layer (loader, json_array_get_element (layers, i), group, error))
      return FALSE;

  return TRUE;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const AtlasOverlayGroup *ga = *(AtlasOverlayGroup **) a, *gb = *(AtlasOverlayGroup **) b;

  return ga->order != gb->order ? (ga->order < gb->order ? -1 : 1) : g_strcmp0 (ga->id, gb->id);
}

static int
compare_named (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (((NamedBytes *) a)->name, ((NamedBytes *) b)->name);
}

/* Loading runs on up to two threads, a file at a time: each file makes a
 * partial set of groups, layers and features (with its own GEOS context),
 * merged in file order afterwards, so the result and its errors do not
 * depend on the threads. */

typedef struct
{
  GArray         *files;      /* NamedBytes, sorted */
  AtlasOverlays **partials;   /* one per file */
  GError        **errors;     /* one per file */
  AtlasBasemap   *basemap;
  AtlasGazetteer *gazetteer;
  AtlasPlan      *plan;
  AtlasUnionCache *cache;
  gint            next;
} LoadJob;

static gpointer
load_files_thread (gpointer data)
{
  LoadJob *job = data;
  GHashTable *county_geoms = g_hash_table_new (NULL, NULL);
  GEOSContextHandle_t cache_ctx = NULL;
  guint i;

  while ((i = (guint) g_atomic_int_add (&job->next, 1)) < job->files->len)
    {
      NamedBytes *nb = &g_array_index (job->files, NamedBytes, i);
      AtlasOverlays *partial = g_object_new (ATLAS_TYPE_OVERLAYS, NULL);
      Loader loader = { partial, job->basemap, job->gazetteer, job->plan, county_geoms, nb->name, NULL,
                        job->cache };

      /* the county cache's geometries outlive this file's context: GEOS
       * keeps a factory alive while its geometries are */
      if (cache_ctx == NULL)
        cache_ctx = GEOS_init_r ();
      job->partials[i] = partial;
      parse_group (&loader, nb->bytes, &job->errors[i]);
    }

  if (cache_ctx != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, county_geoms);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        GEOSGeom_destroy_r (cache_ctx, value);
      GEOS_finish_r (cache_ctx);
    }
  g_hash_table_unref (county_geoms);
  return NULL;
}

/* The first id of @items already in @index. Features, layers and groups
 * all start with their id. */
static const char *
first_clash (GPtrArray  *items,
             GHashTable *index)
{
  for (guint i = 0; i < items->len; i++)
    {
      const char *id = *(const char * const *) g_ptr_array_index (items, i);

      if (g_hash_table_contains (index, id))
        return id;
    }
  return NULL;
}

/* Whether a file's ids clash with those already merged. */
static gboolean
check_partial (AtlasOverlays  *self,
               AtlasOverlays  *partial,
               const char     *file,
               GError        **error)
{
  const char *id;

  if ((id = first_clash (partial->features, self->feature_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: feature “%s”: the id is used twice", file, id);
  else if ((id = first_clash (partial->layers, self->layer_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: layer id “%s” is used twice", file, id);
  else if ((id = first_clash (partial->groups, self->group_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: group id “%s” is used twice", file, id);
  return id == NULL;
}

/* Moves a checked file's groups, layers and features into @self. */
static void
merge_partial (AtlasOverlays *self,
               AtlasOverlays *partial)
{
  gsize n;
  gpointer *items;

  items = g_ptr_array_steal (partial->features, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayFeature *f = items[i];

      f->index = self->features->len;
      g_ptr_array_add (self->features, f);
      g_hash_table_insert (self->feature_index, f->id, f);
    }
  g_free (items);

  items = g_ptr_array_steal (partial->layers, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayLayer *l = items[i];

      l->index = self->layers->len;
      g_ptr_array_add (self->layers, l);
      g_hash_table_insert (self->layer_index, l->id, l);
    }
  g_free (items);

  items = g_ptr_array_steal (partial->groups, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayGroup *g = items[i];

      g_ptr_array_add (self->groups, g);
      g_hash_table_insert (self->group_index, g->id, g);
    }
  g_free (items);
}

/* With @problems, a broken file is left out and its error added there;
 * without, the first error fails the whole load. */
AtlasOverlays *
atlas_overlays_load (GArray          *files,
                     AtlasBasemap    *basemap,
                     AtlasGazetteer  *gazetteer,
                     AtlasPlan       *plan,
                     GFile           *cache_dir,
                     GPtrArray       *problems,
                     GError         **error)
{
  g_autoptr(AtlasOverlays) self = g_object_new (ATLAS_TYPE_OVERLAYS, NULL);
  LoadJob job = { files, NULL, NULL, basemap, gazetteer, plan, NULL, 0 };
  guint n_threads = CLAMP (g_get_num_processors (), 1, 2);
  GThread *helper = NULL;
  gboolean ok = TRUE;

  g_array_sort (files, compare_named);
  job.cache = atlas_overlays_union_cache_open (basemap, cache_dir);
  job.partials = g_new0 (AtlasOverlays *, MAX (files->len, 1));
  job.errors = g_new0 (GError *, MAX (files->len, 1));

  if (n_threads > 1 && files->len > 1)
    helper = g_thread_new ("atlas-load-layers", load_files_thread, &job);
  load_files_thread (&job);
  if (helper != NULL)
    g_thread_join (helper);
  atlas_union_cache_close (job.cache);

  for (guint i = 0; i < files->len; i++)
    {
      NamedBytes *nb = &g_array_index (files, NamedBytes, i);
      GError *file_error = g_steal_pointer (&job.errors[i]);

      if (ok && file_error == NULL)
        check_partial (self, job.partials[i], nb->name, &file_error);
      if (ok && file_error == NULL)
        merge_partial (self, job.partials[i]);
      else if (ok && problems != NULL)
        g_ptr_array_add (problems, g_strdup (file_error->message));
      else if (ok)
        {
          g_propagate_error (error, g_steal_pointer (&file_error));
          ok = FALSE;
        }
      g_clear_error (&file_error);
      g_clear_object (&job.partials[i]);
    }
  g_free (job.partials);
  g_free (job.errors);

  if (!ok)
    return NULL;

  g_ptr_array_sort (self->groups, compare_groups);
  return g_steal_pointer (&self);
}


const char *
atlas_overlay_kind_to_string (AtlasOverlayKind kind)
{
  return kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : NULL;
}

const char *
atlas_geometry_source_to_string (AtlasGeometrySource source)
{
  return source < G_N_ELEMENTS (source_names) ? source_names[source] : NULL;
}
