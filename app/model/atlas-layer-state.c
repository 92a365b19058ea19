/* atlas-layer-state.c — which overlay layers are shown, and how opaque
 *
 * Emits "changed" after every change; saved and restored as a{s(bd)}
 * (layer id → visible, opacity), so that layers added or removed by a
 * newer data set keep the state of the others.
 */

#include "atlas-layer-state.h"

#include <math.h>
#include <string.h>

struct _AtlasLayerState
{
  GObject        parent_instance;
  AtlasOverlays *overlays;
  gboolean      *visible;
  gboolean      *before_only;   /* the layers shown before "show only", or NULL */
  double        *opacity;
  guint          n_layers;
  gboolean      *hidden_features;   /* per feature: switched off within a shown layer */
  guint          n_features;
};

G_DEFINE_FINAL_TYPE (AtlasLayerState, atlas_layer_state, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
atlas_layer_state_finalize (GObject *object)
{
  AtlasLayerState *self = ATLAS_LAYER_STATE (object);

  g_free (self->visible);
  g_free (self->before_only);
  g_free (self->opacity);
  g_free (self->hidden_features);
  g_clear_object (&self->overlays);

  G_OBJECT_CLASS (atlas_layer_state_parent_class)->finalize (object);
}

static void
atlas_layer_state_class_init (AtlasLayerStateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_layer_state_finalize;

  /**
   * AtlasLayerState::changed:
   *
   * Visibility or opacity of one or more layers changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
atlas_layer_state_init (AtlasLayerState *self)
{
}

static void
changed (AtlasLayerState *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* By default the circles are shown: the plan's frame of everything else. */
AtlasLayerState *
atlas_layer_state_new (AtlasOverlays *overlays)
{
  AtlasLayerState *self = g_object_new (ATLAS_TYPE_LAYER_STATE, NULL);
  GPtrArray *layers = atlas_overlays_get_layers (overlays);

  self->overlays = g_object_ref (overlays);
  self->n_layers = layers->len;
  self->n_features = atlas_overlays_get_features (overlays)->len;
  self->hidden_features = g_new0 (gboolean, MAX (self->n_features, 1));
  self->visible = g_new0 (gboolean, MAX (layers->len, 1));
  self->opacity = g_new (double, MAX (layers->len, 1));
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *layer = g_ptr_array_index (layers, i);

      self->visible[i] = g_strcmp0 (layer->group->id, "circles") == 0;
      self->opacity[i] = 1.0;
    }
  return self;
}

AtlasOverlays *
atlas_layer_state_get_overlays (AtlasLayerState *self)
{
  return self->overlays;
}

gboolean
atlas_layer_state_get_visible (AtlasLayerState   *self,
                               AtlasOverlayLayer *layer)
{
  g_return_val_if_fail (layer->index < self->n_layers, FALSE);
  return self->visible[layer->index];
}

void
atlas_layer_state_set_visible (AtlasLayerState   *self,
                               AtlasOverlayLayer *layer,
                               gboolean           visible)
{
  g_return_if_fail (layer->index < self->n_layers);
  if (self->visible[layer->index] == !!visible)
    return;
  self->visible[layer->index] = !!visible;
  changed (self);
}

double
atlas_layer_state_get_opacity (AtlasLayerState   *self,
                               AtlasOverlayLayer *layer)
{
  g_return_val_if_fail (layer->index < self->n_layers, 1.0);
  return self->opacity[layer->index];
}

void
atlas_layer_state_set_opacity (AtlasLayerState   *self,
                               AtlasOverlayLayer *layer,
                               double             opacity)
{
  g_return_if_fail (layer->index < self->n_layers);
  opacity = CLAMP (opacity, 0.0, 1.0);
  if (self->opacity[layer->index] == opacity)
    return;
  self->opacity[layer->index] = opacity;
  changed (self);
}

void
atlas_layer_state_set_group_visible (AtlasLayerState   *self,
                                     AtlasOverlayGroup *group,
                                     gboolean           visible)
{
  gboolean any = FALSE;

  for (guint i = 0; i < group->layers->len; i++)
    {
      AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, i);

      any |= self->visible[layer->index] != !!visible;
      self->visible[layer->index] = !!visible;
    }
  if (any)
    changed (self);
}

void
atlas_layer_state_show_only (AtlasLayerState   *self,
                             AtlasOverlayLayer *layer)
{
  /* a second time, with nothing changed since, it puts the others back */
  if (self->before_only != NULL && atlas_layer_state_is_only (self, layer))
    {
      memcpy (self->visible, self->before_only, sizeof (gboolean) * self->n_layers);
      g_clear_pointer (&self->before_only, g_free);
      changed (self);
      return;
    }
  g_free (self->before_only);
  self->before_only = g_memdup2 (self->visible, sizeof (gboolean) * self->n_layers);
  for (guint i = 0; i < self->n_layers; i++)
    self->visible[i] = i == layer->index;
  changed (self);
}

/* Whether @layer is the only layer shown. */
gboolean
atlas_layer_state_is_only (AtlasLayerState   *self,
                           AtlasOverlayLayer *layer)
{
  for (guint i = 0; i < self->n_layers; i++)
    if (self->visible[i] != (i == layer->index))
      return FALSE;
  return TRUE;
}

void
atlas_layer_state_set_all_visible (AtlasLayerState *self,
                                   gboolean         visible)
{
  for (guint i = 0; i < self->n_layers; i++)
    self->visible[i] = !!visible;
  changed (self);
}

/**
 * atlas_layer_state_set_visible_ids:
 * @ids: comma-separated ids of layers or groups, "all", or "none"
 *
 * Shows exactly the named layers (a group names all of its layers);
 * "none" shows the base map alone.
 *
 * Returns: %FALSE with @error set when an id is unknown; nothing changes then
 */
gboolean
atlas_layer_state_set_visible_ids (AtlasLayerState  *self,
                                   const char       *ids,
                                   GError          **error)
{
  g_auto(GStrv) parts = g_strsplit (ids, ",", -1);
  g_autofree gboolean *visible = g_new0 (gboolean, MAX (self->n_layers, 1));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *id = g_strstrip (parts[i]);
      AtlasOverlayLayer *layer;
      AtlasOverlayGroup *group;

      if (*id == '\0' || g_str_equal (id, "none"))
        continue;
      if (g_str_equal (id, "all"))
        {
          for (guint k = 0; k < self->n_layers; k++)
            visible[k] = TRUE;
        }
      else if ((layer = atlas_overlays_lookup_layer (self->overlays, id)) != NULL)
        visible[layer->index] = TRUE;
      else if ((group = atlas_overlays_lookup_group (self->overlays, id)) != NULL)
        {
          for (guint k = 0; k < group->layers->len; k++)
            visible[((AtlasOverlayLayer *) g_ptr_array_index (group->layers, k))->index] = TRUE;
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "unknown layer or group “%s” (see --list-layers)", id);
          return FALSE;
        }
    }

  memcpy (self->visible, visible, sizeof (gboolean) * self->n_layers);
  changed (self);
  return TRUE;
}

/**
 * atlas_layer_state_snapshot:
 *
 * The state as it is now, for painters, hit tests and exports; later
 * changes do not touch it.
 *
 * Returns: (transfer full): a new snapshot
 */
AtlasVisibility *
atlas_layer_state_snapshot (AtlasLayerState *self)
{
  return atlas_visibility_new (self->overlays, self->visible, self->opacity, self->hidden_features);
}

GVariant *
atlas_layer_state_to_variant (AtlasLayerState *self)
{
  GVariantBuilder builder;
  GPtrArray *layers = atlas_overlays_get_layers (self->overlays);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(bd)}"));
  for (guint i = 0; i < layers->len; i++)
    g_variant_builder_add (&builder, "{s(bd)}", ((AtlasOverlayLayer *) layers->pdata[i])->id,
                           self->visible[i], self->opacity[i]);
  return g_variant_builder_end (&builder);
}

/* Layers the saved state does not name keep their defaults. */
void
atlas_layer_state_apply_variant (AtlasLayerState *self,
                                 GVariant        *state)
{
  GVariantIter iter;
  const char *id;
  gboolean visible;
  double opacity;

  if (state == NULL || !g_variant_is_of_type (state, G_VARIANT_TYPE ("a{s(bd)}"))
      || g_variant_n_children (state) == 0)
    return;

  g_variant_iter_init (&iter, state);
  while (g_variant_iter_next (&iter, "{&s(bd)}", &id, &visible, &opacity))
    {
      AtlasOverlayLayer *layer = atlas_overlays_lookup_layer (self->overlays, id);

      if (layer == NULL)
        continue;
      self->visible[layer->index] = visible;
      self->opacity[layer->index] = isfinite (opacity) ? CLAMP (opacity, 0.0, 1.0) : 1.0;
    }
  changed (self);
}

gboolean
atlas_layer_state_get_feature_visible (AtlasLayerState     *self,
                                       AtlasOverlayFeature *feature)
{
  g_return_val_if_fail (feature->index < self->n_features, FALSE);
  return !self->hidden_features[feature->index];
}

/* Switches one feature off or on within its layer. */
void
atlas_layer_state_set_feature_visible (AtlasLayerState     *self,
                                       AtlasOverlayFeature *feature,
                                       gboolean             visible)
{
  g_return_if_fail (feature->index < self->n_features);
  if (self->hidden_features[feature->index] == !visible)
    return;
  self->hidden_features[feature->index] = !visible;
  changed (self);
}

/* The ids of the features switched off, for the settings: as. */
GVariant *
atlas_layer_state_hidden_to_variant (AtlasLayerState *self)
{
  GVariantBuilder builder;
  GPtrArray *features = atlas_overlays_get_features (self->overlays);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
  for (guint i = 0; i < self->n_features; i++)
    if (self->hidden_features[i])
      g_variant_builder_add (&builder, "s", ((AtlasOverlayFeature *) features->pdata[i])->id);
  return g_variant_builder_end (&builder);
}

void
atlas_layer_state_apply_hidden_variant (AtlasLayerState *self,
                                        GVariant        *hidden)
{
  GVariantIter iter;
  const char *id;

  if (hidden == NULL || !g_variant_is_of_type (hidden, G_VARIANT_TYPE_STRING_ARRAY))
    return;
  g_variant_iter_init (&iter, hidden);
  while (g_variant_iter_next (&iter, "&s", &id))
    {
      AtlasOverlayFeature *f = atlas_overlays_lookup_feature (self->overlays, id);

      if (f != NULL)
        self->hidden_features[f->index] = TRUE;
    }
  changed (self);
}
