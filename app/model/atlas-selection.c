/* atlas-selection.c — what the user has selected on the map
 *
 * The map, the layer panel and the plan's side panel share one selection:
 * an entity (a county, a place or an overlay feature; "feature" is set
 * when it is a feature), or a section of the plan with the features that
 * cite it. Setting one clears the other.
 */

#include "atlas-selection.h"

struct _AtlasSelection
{
  GObject              parent_instance;
  AtlasOverlayFeature *feature;
  AtlasEntity         *entity;
  char                *section;
  GPtrArray           *section_features;
};

G_DEFINE_FINAL_TYPE (AtlasSelection, atlas_selection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_FEATURE,
  PROP_ENTITY,
  PROP_SECTION,
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
    case PROP_ENTITY:
      g_value_set_pointer (value, self->entity);
      break;
    case PROP_SECTION:
      g_value_set_string (value, self->section);
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
    case PROP_ENTITY:
      atlas_selection_set_entity (self, g_value_get_pointer (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void atlas_selection_finalize (GObject *object);

static void
atlas_selection_class_init (AtlasSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atlas_selection_finalize;
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
  /**
   * AtlasSelection:entity:
   *
   * The selected county, place or feature (an #AtlasEntity), or %NULL.
   */
  properties[PROP_ENTITY] =
    g_param_spec_pointer ("entity", NULL, NULL,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AtlasSelection:section:
   *
   * The plan section whose features are selected, or %NULL.
   */
  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atlas_selection_finalize (GObject *object)
{
  AtlasSelection *self = ATLAS_SELECTION (object);

  g_clear_pointer (&self->section, g_free);
  g_clear_pointer (&self->section_features, g_ptr_array_unref);

  G_OBJECT_CLASS (atlas_selection_parent_class)->finalize (object);
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

static void
clear_section (AtlasSelection *self)
{
  if (self->section == NULL)
    return;
  g_clear_pointer (&self->section, g_free);
  g_clear_pointer (&self->section_features, g_ptr_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
}

/* Selects a feature; the entity follows when it is this feature's. */
void
atlas_selection_set_feature (AtlasSelection      *self,
                             AtlasOverlayFeature *feature)
{
  g_return_if_fail (ATLAS_IS_SELECTION (self));
  if (self->feature == feature && (feature != NULL || self->entity == NULL))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (feature != NULL)
    clear_section (self);
  self->feature = feature;
  if (self->entity != NULL && self->entity->ref != (gpointer) feature)
    {
      self->entity = NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTITY]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEATURE]);
  g_object_thaw_notify (G_OBJECT (self));
}

AtlasEntity *
atlas_selection_get_entity (AtlasSelection *self)
{
  g_return_val_if_fail (ATLAS_IS_SELECTION (self), NULL);
  return self->entity;
}

void
atlas_selection_set_entity (AtlasSelection *self,
                            AtlasEntity    *entity)
{
  AtlasOverlayFeature *feature;

  g_return_if_fail (ATLAS_IS_SELECTION (self));
  if (self->entity == entity)
    return;

  feature = entity != NULL && entity->kind == ATLAS_ENTITY_FEATURE ? entity->ref : NULL;
  g_object_freeze_notify (G_OBJECT (self));
  if (entity != NULL)
    clear_section (self);
  self->entity = entity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTITY]);
  if (self->feature != feature)
    {
      self->feature = feature;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEATURE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
atlas_selection_get_section (AtlasSelection *self)
{
  g_return_val_if_fail (ATLAS_IS_SELECTION (self), NULL);
  return self->section;
}

/**
 * atlas_selection_get_section_features:
 *
 * Returns: (nullable) (transfer none): the features of the selected section
 */
GPtrArray *
atlas_selection_get_section_features (AtlasSelection *self)
{
  g_return_val_if_fail (ATLAS_IS_SELECTION (self), NULL);
  return self->section_features;
}

/**
 * atlas_selection_set_section:
 * @features: (transfer none): the #AtlasOverlayFeature that cite it
 *
 * Selects a section of the plan and the features that cite it.
 */
void
atlas_selection_set_section (AtlasSelection *self,
                             const char     *section_id,
                             GPtrArray      *features)
{
  g_return_if_fail (ATLAS_IS_SELECTION (self));

  g_object_freeze_notify (G_OBJECT (self));
  atlas_selection_set_entity (self, NULL);
  atlas_selection_set_feature (self, NULL);
  g_clear_pointer (&self->section, g_free);
  g_clear_pointer (&self->section_features, g_ptr_array_unref);
  if (section_id != NULL)
    {
      self->section = g_strdup (section_id);
      self->section_features = features != NULL ? g_ptr_array_ref (features) : g_ptr_array_new ();
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
  g_object_thaw_notify (G_OBJECT (self));
}
