/* atlas-selection.c — what the user has selected on the map
 *
 * The map, the layer panel and (later) the plan's side panel share one
 * selection and follow its "feature" property.
 */

#include "atlas-selection.h"

struct _AtlasSelection
{
  GObject              parent_instance;
  AtlasOverlayFeature *feature;
};

G_DEFINE_FINAL_TYPE (AtlasSelection, atlas_selection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_FEATURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
atlas_selection_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AtlasSelection *self = ATLAS_SELECTION (object);

  switch (prop_id)
    {
    case PROP_FEATURE:
      g_value_set_pointer (value, self->feature);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_selection_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AtlasSelection *self = ATLAS_SELECTION (object);

  switch (prop_id)
    {
    case PROP_FEATURE:
      atlas_selection_set_feature (self, g_value_get_pointer (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_selection_class_init (AtlasSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = atlas_selection_get_property;
  object_class->set_property = atlas_selection_set_property;

  /**
   * AtlasSelection:feature:
   *
   * The selected overlay feature (an #AtlasOverlayFeature), or %NULL.
   */
  properties[PROP_FEATURE] =
    g_param_spec_pointer ("feature", NULL, NULL,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atlas_selection_init (AtlasSelection *self)
{
}

AtlasSelection *
atlas_selection_new (void)
{
  return g_object_new (ATLAS_TYPE_SELECTION, NULL);
}

AtlasOverlayFeature *
atlas_selection_get_feature (AtlasSelection *self)
{
  g_return_val_if_fail (ATLAS_IS_SELECTION (self), NULL);
  return self->feature;
}

void
atlas_selection_set_feature (AtlasSelection      *self,
                             AtlasOverlayFeature *feature)
{
  g_return_if_fail (ATLAS_IS_SELECTION (self));
  if (self->feature == feature)
    return;
  self->feature = feature;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEATURE]);
}
