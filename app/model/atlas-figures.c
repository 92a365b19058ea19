/* atlas-figures.c — the plan's six figures (maps/figures.json)
 *
 * The plan lists six figures after its last chapter; our copy has their
 * captions only. Each is rebuilt from the overlay layers and defined as
 * data: number, title exactly as the plan names it, English title, the
 * layers it shows (layer or group ids), the layers it stresses (the
 * others are drawn muted), the extent it frames and the sections of the
 * plan it illustrates. The window opens a figure as a view; the export
 * engine prints it as a plate. Everything a figure names is checked on
 * load against the layers and the plan, so a renamed layer is an error
 * that names the figure, not a figure that silently loses a layer.
 */

#include "atlas-figures.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

struct _AtlasFigures
{
  GObject  parent_instance;
  GArray  *figures;          /* AtlasFigure */
  double   muted_opacity;
};

G_DEFINE_FINAL_TYPE (AtlasFigures, atlas_figures, G_TYPE_OBJECT)

G_DEFINE_QUARK (atlas-figures-error-quark, atlas_figures_error)

static void
clear_figure (gpointer data)
{
  AtlasFigure *f = data;

  g_free (f->title_zh);
  g_free (f->title_en);
  g_free (f->summary_zh);
  g_strfreev (f->plan_refs);
  g_strfreev (f->layers);
  g_strfreev (f->emphasis);
}

static void
atlas_figures_finalize (GObject *object)
{
  AtlasFigures *self = ATLAS_FIGURES (object);

  g_clear_pointer (&self->figures, g_array_unref);
  G_OBJECT_CLASS (atlas_figures_parent_class)->finalize (object);
}

static void
atlas_figures_class_init (AtlasFiguresClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_figures_finalize;
}

static void
atlas_figures_init (AtlasFigures *self)
{
  self->figures = g_array_new (FALSE, TRUE, sizeof (AtlasFigure));
  g_array_set_clear_func (self->figures, clear_figure);
  self->muted_opacity = 0.4;
}

/* Parsing */

static char *
dup_string (JsonObject *o,
            const char *member)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* A non-empty array of non-empty strings, or NULL. */
static char **
dup_strv (JsonObject *o,
          const char *member)
{
  JsonNode *node = json_object_get_member (o, member);
  JsonArray *array;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING
          || *json_node_get_string (e) == '\0')
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (e));
    }
  return g_strv_builder_end (builder);
}

static gboolean
get_number (JsonNode *node,
            double   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return isfinite (*value);
    default:
      return FALSE;
    }
}

static gboolean
parse_extent (JsonObject  *o,
              AtlasFigure *f)
{
  JsonNode *node = json_object_get_member (o, "extent");
  JsonArray *array;
  double v[4];

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!get_number (json_array_get_element (array, i), &v[i]))
      return FALSE;
  f->west = v[0];
  f->south = v[1];
  f->east = v[2];
  f->north = v[3];
  return TRUE;
}

/* Whether @ids name @layer (a group names its layers). */
static gboolean
names_layer (char              **ids,
             AtlasOverlayLayer  *layer)
{
  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_equal (ids[i], layer->id) || g_str_equal (ids[i], layer->group->id)
        || g_str_equal (ids[i], "all"))
      return TRUE;
  return FALSE;
}

static gboolean
check_references (AtlasFigure    *f,
                  const char     *name,
                  AtlasOverlays  *overlays,
                  AtlasPlan      *plan,
                  GError        **error)
{
  if (overlays != NULL)
    {
      char **lists[] = { f->layers, f->emphasis };

      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
          {
            const char *id = lists[l][i];

            if (atlas_overlays_lookup_layer (overlays, id) == NULL
                && atlas_overlays_lookup_group (overlays, id) == NULL)
              {
                g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_REFERENCE,
                             "%s: figure %u names the layer “%s”, which does not exist "
                             "(see --list-layers)", name, f->number, id);
                return FALSE;
              }
          }

      /* what is stressed must be shown */
      for (guint i = 0; f->emphasis != NULL && f->emphasis[i] != NULL; i++)
        {
          GPtrArray *layers = atlas_overlays_get_layers (overlays);

          for (guint k = 0; k < layers->len; k++)
            {
              AtlasOverlayLayer *layer = layers->pdata[k];
              char *one[] = { f->emphasis[i], NULL };

              if (names_layer (one, layer) && !names_layer (f->layers, layer))
                {
                  g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_REFERENCE,
                               "%s: figure %u stresses “%s”, which is not among its layers",
                               name, f->number, layer->id);
                  return FALSE;
                }
            }
        }
    }

  if (plan != NULL)
    for (guint i = 0; f->plan_refs[i] != NULL; i++)
      if (atlas_plan_lookup (plan, f->plan_refs[i]) == NULL)
        {
          g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_REFERENCE,
                       "%s: figure %u cites section “%s”, which the plan does not have",
                       name, f->number, f->plan_refs[i]);
          return FALSE;
        }
  return TRUE;
}

static gboolean
parse_figure (JsonNode       *node,
              const char     *name,
              guint           position,
              AtlasFigure    *f,
              GError        **error)
{
  JsonObject *o;
  double number;
  g_autofree char *prefix = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_SYNTAX,
                   "%s: figure %u is not an object", name, position + 1);
      return FALSE;
    }
  o = json_node_get_object (node);
  if (!get_number (json_object_get_member (o, "number"), &number) || number != floor (number)
      || number < 1 || number > 99)
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_VALUE,
                   "%s: figure %u needs a “number” from 1 to 99", name, position + 1);
      return FALSE;
    }
  f->number = (guint) number;
  f->title_zh = dup_string (o, "title_zh");
  f->title_en = dup_string (o, "title_en");
  f->summary_zh = dup_string (o, "summary_zh");
  f->plan_refs = dup_strv (o, "plan_refs");
  f->layers = dup_strv (o, "layers");
  f->emphasis = dup_strv (o, "emphasis");
  if (f->emphasis == NULL)
    f->emphasis = g_strdupv (f->layers);
  if (f->title_zh == NULL || f->title_en == NULL || f->plan_refs == NULL || f->layers == NULL)
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_SYNTAX,
                   "%s: figure %u needs “title_zh”, “title_en”, “plan_refs” and “layers”",
                   name, f->number);
      return FALSE;
    }

  /* the plan names its figures "图01 …" */
  prefix = g_strdup_printf ("图%02u ", f->number);
  if (!g_str_has_prefix (f->title_zh, prefix) || strlen (f->title_zh) <= strlen (prefix))
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_VALUE,
                   "%s: figure %u’s title “%s” does not start with “%s”", name, f->number,
                   f->title_zh, prefix);
      return FALSE;
    }

  if (!parse_extent (o, f) || !(f->west < f->east && f->south < f->north) || f->west < -180
      || f->east > 180 || f->south < -85 || f->north > 85)
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_VALUE,
                   "%s: figure %u needs an “extent” [west, south, east, north] in degrees",
                   name, f->number);
      return FALSE;
    }
  return TRUE;
}

/**
 * atlas_figures_new_from_bytes:
 * @name: the file's name, for messages
 * @overlays: (nullable): the layers the figures must name; %NULL checks
 *   only the file itself (enough to list the figures)
 * @plan: (nullable): the plan the figures' sections must exist in
 *
 * Returns: (transfer full) (nullable): the figures, or %NULL with @error set
 */
AtlasFigures *
atlas_figures_new_from_bytes (GBytes         *bytes,
                              const char     *name,
                              AtlasOverlays  *overlays,
                              AtlasPlan      *plan,
                              GError        **error)
{
  g_autoptr(AtlasFigures) self = g_object_new (ATLAS_TYPE_FIGURES, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonObject *root;
  JsonNode *node;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, data, size, &local))
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_SYNTAX, "%s: %s", name,
                   local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_SYNTAX, "%s: not a JSON object", name);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (root, "muted_opacity");
  if (node != NULL && (!get_number (node, &self->muted_opacity) || self->muted_opacity < 0
                       || self->muted_opacity > 1))
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_VALUE,
                   "%s: “muted_opacity” wants a number from 0 to 1", name);
      return NULL;
    }

  node = json_object_get_member (root, "figures");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    {
      g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_SYNTAX,
                   "%s: needs a non-empty “figures” array", name);
      return NULL;
    }
  array = json_node_get_array (node);
  g_array_set_size (self->figures, json_array_get_length (array));
  for (guint i = 0; i < self->figures->len; i++)
    {
      AtlasFigure *f = &g_array_index (self->figures, AtlasFigure, i);

      if (!parse_figure (json_array_get_element (array, i), name, i, f, error)
          || !check_references (f, name, overlays, plan, error))
        return NULL;
      for (guint k = 0; k < i; k++)
        if (g_array_index (self->figures, AtlasFigure, k).number == f->number)
          {
            g_set_error (error, ATLAS_FIGURES_ERROR, ATLAS_FIGURES_ERROR_VALUE,
                         "%s: two figures are numbered %u", name, f->number);
            return NULL;
          }
    }
  return g_steal_pointer (&self);
}

guint
atlas_figures_get_n_figures (AtlasFigures *self)
{
  g_return_val_if_fail (ATLAS_IS_FIGURES (self), 0);
  return self->figures->len;
}

/* The @i-th figure, in the order of the file (the plan's order). */
const AtlasFigure *
atlas_figures_get_figure (AtlasFigures *self,
                          guint         i)
{
  g_return_val_if_fail (ATLAS_IS_FIGURES (self), NULL);
  g_return_val_if_fail (i < self->figures->len, NULL);
  return &g_array_index (self->figures, AtlasFigure, i);
}

/* The figure the plan numbers @number (图02 → 2), or %NULL. */
const AtlasFigure *
atlas_figures_lookup (AtlasFigures *self,
                      guint         number)
{
  g_return_val_if_fail (ATLAS_IS_FIGURES (self), NULL);
  for (guint i = 0; i < self->figures->len; i++)
    if (g_array_index (self->figures, AtlasFigure, i).number == number)
      return &g_array_index (self->figures, AtlasFigure, i);
  return NULL;
}

/* The opacity of the layers a figure shows without stressing them. */
double
atlas_figures_get_muted_opacity (AtlasFigures *self)
{
  g_return_val_if_fail (ATLAS_IS_FIGURES (self), 1.0);
  return self->muted_opacity;
}

/* The figure's extent in world coordinates. */
AtlasRect
atlas_figure_get_extent (const AtlasFigure *figure)
{
  AtlasRect r;

  r.x0 = atlas_geo_lon_to_world_x (figure->west);
  r.x1 = atlas_geo_lon_to_world_x (figure->east);
  r.y0 = atlas_geo_lat_to_world_y (figure->north);
  r.y1 = atlas_geo_lat_to_world_y (figure->south);
  return r;
}

/**
 * atlas_figure_get_visibility:
 *
 * Which layers the figure shows, and how opaque: its stressed layers at
 * full opacity, its other layers muted, the rest hidden.
 *
 * Returns: (transfer full): a new snapshot
 */
AtlasVisibility *
atlas_figure_get_visibility (AtlasFigures      *self,
                             const AtlasFigure *figure,
                             AtlasOverlays     *overlays)
{
  GPtrArray *layers = atlas_overlays_get_layers (overlays);
  g_autofree gboolean *visible = g_new0 (gboolean, MAX (layers->len, 1));
  g_autofree double *opacity = g_new0 (double, MAX (layers->len, 1));

  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *layer = layers->pdata[i];

      visible[i] = names_layer (figure->layers, layer);
      opacity[i] = visible[i] && !names_layer (figure->emphasis, layer) ? self->muted_opacity
                                                                                 : 1.0;
    }
  return atlas_visibility_new (overlays, visible, opacity, NULL);
}

/* The figure's layer state as saved in the settings, a{s(bd)}: applied to
 * an AtlasLayerState in one change. */
GVariant *
atlas_figure_to_layer_variant (AtlasFigures      *self,
                               const AtlasFigure *figure,
                               AtlasOverlays     *overlays)
{
  GPtrArray *layers = atlas_overlays_get_layers (overlays);
  g_autoptr(AtlasVisibility) visibility = atlas_figure_get_visibility (self, figure, overlays);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(bd)}"));
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *layer = layers->pdata[i];

      g_variant_builder_add (&builder, "{s(bd)}", layer->id,
                             atlas_visibility_layer_visible (visibility, layer),
                             atlas_visibility_layer_opacity (visibility, layer));
    }
  return g_variant_builder_end (&builder);
}

/* "2", "02": a figure's number as the command line gives it. */
gboolean
atlas_figure_parse_number (const char *text,
                           guint      *number)
{
  guint64 n;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 99, &n, NULL))
    return FALSE;
  *number = (guint) n;
  return TRUE;
}
