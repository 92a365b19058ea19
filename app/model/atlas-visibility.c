/* atlas-visibility.c — which overlay layers and features are shown, frozen
 *
 * The arrays are copied at construction and never change afterwards, so
 * a snapshot can be shared between the main thread and tile workers
 * without a lock. An index beyond the arrays (a layer or feature of
 * another data set) counts as not shown.
 */

#include "atlas-visibility.h"

#include <math.h>
#include <string.h>

struct _AtlasVisibility
{
  gatomicrefcount ref_count;
  guint           n_layers;
  guint           n_features;
  gboolean       *visible;     /* per layer */
  double         *opacity;     /* per layer, 0 to 1 */
  gboolean       *hidden;      /* per feature */
};

G_DEFINE_BOXED_TYPE (AtlasVisibility, atlas_visibility, atlas_visibility_ref, atlas_visibility_unref)

/**
 * atlas_visibility_new:
 * @visible: (nullable): per layer (in atlas_overlays_get_layers() order),
 *   whether it is shown; %NULL for none
 * @opacity: (nullable): per layer, 0 to 1 (clamped); %NULL for opaque
 * @hidden: (nullable): per feature, switched off within a shown layer;
 *   %NULL for none
 *
 * Copies the arrays, which are as long as @overlays has layers and features.
 *
 * Returns: (transfer full): a new snapshot
 */
AtlasVisibility *
atlas_visibility_new (AtlasOverlays  *overlays,
                      const gboolean *visible,
                      const double   *opacity,
                      const gboolean *hidden)
{
  AtlasVisibility *self = g_new0 (AtlasVisibility, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->n_layers = atlas_overlays_get_layers (overlays)->len;
  self->n_features = atlas_overlays_get_features (overlays)->len;
  self->visible = g_new0 (gboolean, MAX (self->n_layers, 1));
  self->opacity = g_new (double, MAX (self->n_layers, 1));
  self->hidden = g_new0 (gboolean, MAX (self->n_features, 1));
  for (guint i = 0; i < self->n_layers; i++)
    {
      self->visible[i] = visible != NULL && visible[i];
      self->opacity[i] = opacity != NULL && isfinite (opacity[i]) ? CLAMP (opacity[i], 0.0, 1.0) : 1.0;
    }
  if (hidden != NULL)
    for (guint i = 0; i < self->n_features; i++)
      self->hidden[i] = !!hidden[i];
  return self;
}

/**
 * atlas_visibility_new_all:
 *
 * Returns: (transfer full): a snapshot with every layer of @overlays shown, opaque
 */
AtlasVisibility *
atlas_visibility_new_all (AtlasOverlays *overlays)
{
  AtlasVisibility *self = atlas_visibility_new (overlays, NULL, NULL, NULL);

  for (guint i = 0; i < self->n_layers; i++)
    self->visible[i] = TRUE;
  return self;
}

/**
 * atlas_visibility_new_group:
 *
 * A briefing book's snapshot: only @group's layers shown, with their
 * opacity and switched-off features as in @self.
 *
 * Returns: (transfer full): a new snapshot
 */
AtlasVisibility *
atlas_visibility_new_group (AtlasVisibility         *self,
                            const AtlasOverlayGroup *group)
{
  AtlasVisibility *copy = g_new0 (AtlasVisibility, 1);

  g_atomic_ref_count_init (&copy->ref_count);
  copy->n_layers = self->n_layers;
  copy->n_features = self->n_features;
  copy->visible = g_new0 (gboolean, MAX (self->n_layers, 1));
  copy->opacity = g_memdup2 (self->opacity, sizeof (double) * MAX (self->n_layers, 1));
  copy->hidden = g_memdup2 (self->hidden, sizeof (gboolean) * MAX (self->n_features, 1));
  for (guint l = 0; l < group->layers->len; l++)
    {
      const AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

      if (layer->index < copy->n_layers)
        copy->visible[layer->index] = TRUE;
    }
  return copy;
}

AtlasVisibility *
atlas_visibility_ref (AtlasVisibility *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
atlas_visibility_unref (AtlasVisibility *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->visible);
  g_free (self->opacity);
  g_free (self->hidden);
  g_free (self);
}

gboolean
atlas_visibility_layer_visible (AtlasVisibility         *self,
                                const AtlasOverlayLayer *layer)
{
  return layer->index < self->n_layers && self->visible[layer->index];
}

double
atlas_visibility_layer_opacity (AtlasVisibility         *self,
                                const AtlasOverlayLayer *layer)
{
  return layer->index < self->n_layers ? self->opacity[layer->index] : 0.0;
}

gboolean
atlas_visibility_feature_hidden (AtlasVisibility           *self,
                                 const AtlasOverlayFeature *feature)
{
  return feature->index < self->n_features && self->hidden[feature->index];
}

/* Its layer shown and the feature not switched off. */
gboolean
atlas_visibility_feature_shown (AtlasVisibility           *self,
                                const AtlasOverlayFeature *feature)
{
  return atlas_visibility_layer_visible (self, feature->layer)
         && !atlas_visibility_feature_hidden (self, feature);
}

/* The same layers shown at the same opacity, the same features switched off. */
gboolean
atlas_visibility_equal (AtlasVisibility *a,
                        AtlasVisibility *b)
{
  if (a->n_layers != b->n_layers || a->n_features != b->n_features)
    return FALSE;
  for (guint i = 0; i < a->n_layers; i++)
    if (a->visible[i] != b->visible[i] || a->opacity[i] != b->opacity[i])
      return FALSE;
  return memcmp (a->hidden, b->hidden, sizeof (gboolean) * a->n_features) == 0;
}
