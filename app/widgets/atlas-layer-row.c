/* atlas-layer-row.c — a layer of the plan in the layer panel
 *
 * A legend swatch drawn by the map's own painter, a visibility switch
 * and, expanded, an opacity slider, "show only this layer", and the
 * layer's features with their areas (built when first expanded);
 * activating a feature selects it. The row follows the shared layer
 * state. The fixed part is ui/atlas-layer-row.ui.
 */

#include "config.h"

#include "atlas-layer-row.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "render/atlas-overlay-renderer.h"

struct _AtlasLayerRow
{
  AdwExpanderRow     parent_instance;

  AtlasLayerState   *state;
  AtlasSelection    *selection;
  AtlasOverlayLayer *layer;

  GtkSwitch         *visible_switch;
  GtkRange          *opacity_scale;
  GtkButton         *only_button;

  GPtrArray         *feature_switches;  /* GtkSwitch per feature of the layer, once expanded */
  gboolean           syncing;
};

G_DEFINE_FINAL_TYPE (AtlasLayerRow, atlas_layer_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_SELECTION,
  PROP_LAYER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Swatches */

typedef struct
{
  const AtlasOverlayStyle *style;
  AtlasOverlayKind         kind;
  gboolean                 schematic;
} SwatchData;

static void
draw_swatch_cb (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  SwatchData *data = user_data;

  atlas_overlay_draw_swatch (cr, data->style, data->kind, data->schematic, width, height);
}

static GtkWidget *
swatch_new (const AtlasOverlayStyle *style,
            AtlasOverlayKind         kind,
            gboolean                 schematic)
{
  GtkWidget *area = gtk_drawing_area_new ();
  SwatchData *data = g_new0 (SwatchData, 1);

  data->style = style;
  data->kind = kind;
  data->schematic = schematic;
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 30);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 20);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch_cb, data, g_free);
  return area;
}

static AtlasOverlayKind
kind_of_feature (const AtlasOverlayFeature *f)
{
  if (f->shape == ATLAS_SHAPE_POLYGON)
    return ATLAS_OVERLAY_ZONE;
  if (f->shape == ATLAS_SHAPE_POINT)
    return ATLAS_OVERLAY_POINT;
  return f->band_km > 0 || f->layer->kind == ATLAS_OVERLAY_BAND ? ATLAS_OVERLAY_BAND : ATLAS_OVERLAY_LINE;
}

/* "27,034 km² (plan: 27,000)" and the like. */
static char *
feature_subtitle (const AtlasOverlayFeature *f)
{
  GString *s = g_string_new (f->name_en);

  if (!isnan (f->area_km2))
    {
      g_autofree char *area = atlas_format_integer (f->area_km2);

      g_string_append_printf (s, " · %s km²", area);
      if (!isnan (f->stated_area_km2))
        {
          g_autofree char *stated = atlas_format_integer (f->stated_area_km2);
          g_string_append_printf (s, _(" (plan: %s km²)"), stated);
        }
    }
  if (f->schematic)
    g_string_append_printf (s, " · %s", _("schematic"));
  return g_string_free (s, FALSE);
}

/* The feature of a switch or a feature row: its place among the layer's. */
static AtlasOverlayFeature *
feature_of (AtlasLayerRow *self,
            GtkWidget     *widget)
{
  for (guint i = 0; self->feature_switches != NULL && i < self->feature_switches->len; i++)
    {
      GtkWidget *sw = g_ptr_array_index (self->feature_switches, i);

      if (sw == widget || gtk_widget_is_ancestor (sw, widget))
        return g_ptr_array_index (self->layer->features, i);
    }
  return NULL;
}

/* Callbacks */

static void
visible_switch_cb (AtlasLayerRow *self)
{
  if (!self->syncing)
    atlas_layer_state_set_visible (self->state, self->layer, gtk_switch_get_active (self->visible_switch));
}

static void
opacity_changed_cb (AtlasLayerRow *self)
{
  if (!self->syncing)
    atlas_layer_state_set_opacity (self->state, self->layer, gtk_range_get_value (self->opacity_scale) / 100.0);
}

static void
feature_switch_cb (GtkSwitch     *sw,
                   GParamSpec    *pspec,
                   AtlasLayerRow *self)
{
  AtlasOverlayFeature *f = feature_of (self, GTK_WIDGET (sw));

  if (self->syncing || f == NULL)
    return;
  /* switching a feature on shows its layer too */
  if (gtk_switch_get_active (sw))
    atlas_layer_state_set_visible (self->state, f->layer, TRUE);
  atlas_layer_state_set_feature_visible (self->state, f, gtk_switch_get_active (sw));
}

static void
feature_activated_cb (AdwActionRow  *row,
                      AtlasLayerRow *self)
{
  AtlasOverlayFeature *f = feature_of (self, GTK_WIDGET (row));

  if (f == NULL)
    return;
  /* selecting a feature of a hidden layer shows the layer */
  atlas_layer_state_set_visible (self->state, f->layer, TRUE);
  atlas_selection_set_feature (self->selection, f);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.frame-selection", NULL);
}

static GtkWidget *
feature_row_new (AtlasLayerRow       *self,
                 AtlasOverlayFeature *f)
{
  GtkWidget *frow = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  g_autofree char *fsub = feature_subtitle (f);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (frow), f->name_zh);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (frow), fsub);
  adw_action_row_add_prefix (ADW_ACTION_ROW (frow), swatch_new (f->style, kind_of_feature (f), f->schematic));

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (sw), atlas_layer_state_get_feature_visible (self->state, f));
  gtk_widget_set_tooltip_text (sw, _("Show or hide this feature"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, f->name_zh, -1);
  g_signal_connect (sw, "notify::active", G_CALLBACK (feature_switch_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (frow), sw);
  g_ptr_array_add (self->feature_switches, sw);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (frow), TRUE);
  g_signal_connect (frow, "activated", G_CALLBACK (feature_activated_cb), self);
  return frow;
}

/* The feature rows are built when the row is first expanded. */
static void
expanded_cb (AtlasLayerRow *self)
{
  if (!adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self)) || self->feature_switches != NULL)
    return;
  self->feature_switches = g_ptr_array_new ();
  for (guint i = 0; i < self->layer->features->len; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (self),
                              feature_row_new (self, g_ptr_array_index (self->layer->features, i)));
}

static void
sync_from_state (AtlasLayerRow *self)
{
  self->syncing = TRUE;
  gtk_switch_set_active (self->visible_switch, atlas_layer_state_get_visible (self->state, self->layer));
  gtk_range_set_value (self->opacity_scale, 100 * atlas_layer_state_get_opacity (self->state, self->layer));
  for (guint i = 0; self->feature_switches != NULL && i < self->feature_switches->len; i++)
    gtk_switch_set_active (g_ptr_array_index (self->feature_switches, i),
                           atlas_layer_state_get_feature_visible (self->state,
                                                                  g_ptr_array_index (self->layer->features, i)));
  self->syncing = FALSE;
}

/* GObject */

static void
atlas_layer_row_constructed (GObject *object)
{
  AtlasLayerRow *self = ATLAS_LAYER_ROW (object);
  AtlasOverlayLayer *layer = self->layer;
  g_autofree char *count = g_strdup_printf (ngettext ("%u feature", "%u features", layer->features->len),
                                            layer->features->len);
  const AtlasOverlayStyle *first_style = layer->styles->len > 0 ? layer->styles->pdata[0] : NULL;
  gboolean any_schematic = FALSE;

  G_OBJECT_CLASS (atlas_layer_row_parent_class)->constructed (object);

  for (guint i = 0; i < layer->features->len; i++)
    any_schematic |= ((AtlasOverlayFeature *) layer->features->pdata[i])->schematic;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), layer->name_zh);
  /* the English name only: a longer subtitle pushes the switch out of a
   * narrow sidebar */
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), layer->name_en);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), count);
  if (first_style != NULL)
    {
      AtlasOverlayKind kind = layer->features->len > 0 ? kind_of_feature (layer->features->pdata[0])
                                                       : layer->kind;
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), swatch_new (first_style, kind, any_schematic));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->visible_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  layer->name_zh, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->only_button), "s", layer->id);

  sync_from_state (self);
  g_signal_connect_object (self->state, "changed", G_CALLBACK (sync_from_state), self, G_CONNECT_SWAPPED);
}

static void
atlas_layer_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AtlasLayerRow *self = ATLAS_LAYER_ROW (object);

  switch (prop_id)
    {
    case PROP_STATE:
      self->state = g_value_dup_object (value);
      break;
    case PROP_SELECTION:
      self->selection = g_value_dup_object (value);
      break;
    case PROP_LAYER:
      self->layer = g_value_get_pointer (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_layer_row_dispose (GObject *object)
{
  AtlasLayerRow *self = ATLAS_LAYER_ROW (object);

  g_clear_pointer (&self->feature_switches, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAS_TYPE_LAYER_ROW);
  g_clear_object (&self->state);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (atlas_layer_row_parent_class)->dispose (object);
}

static void
atlas_layer_row_class_init (AtlasLayerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atlas_layer_row_constructed;
  object_class->set_property = atlas_layer_row_set_property;
  object_class->dispose = atlas_layer_row_dispose;

  properties[PROP_STATE] =
    g_param_spec_object ("layer-state", NULL, NULL, ATLAS_TYPE_LAYER_STATE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION] =
    g_param_spec_object ("selection", NULL, NULL, ATLAS_TYPE_SELECTION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* an AtlasOverlayLayer of the state's overlays, kept alive by the state the row holds */
  properties[PROP_LAYER] =
    g_param_spec_pointer ("layer", NULL, NULL,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/capitalatlas/CapitalAtlas/ui/atlas-layer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlasLayerRow, visible_switch);
  gtk_widget_class_bind_template_child (widget_class, AtlasLayerRow, opacity_scale);
  gtk_widget_class_bind_template_child (widget_class, AtlasLayerRow, only_button);
  gtk_widget_class_bind_template_callback (widget_class, visible_switch_cb);
  gtk_widget_class_bind_template_callback (widget_class, opacity_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, expanded_cb);
}

static void
atlas_layer_row_init (AtlasLayerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

AtlasLayerRow *
atlas_layer_row_new (AtlasLayerState   *state,
                     AtlasSelection    *selection,
                     AtlasOverlayLayer *layer)
{
  return g_object_new (ATLAS_TYPE_LAYER_ROW, "layer-state", state, "selection", selection,
                       "layer", layer, NULL);
}

AtlasOverlayLayer *
atlas_layer_row_get_layer (AtlasLayerRow *self)
{
  g_return_val_if_fail (ATLAS_IS_LAYER_ROW (self), NULL);
  return self->layer;
}

/* For tests: the visibility switch. */
GtkWidget *
atlas_layer_row_get_switch (AtlasLayerRow *self)
{
  g_return_val_if_fail (ATLAS_IS_LAYER_ROW (self), NULL);
  return GTK_WIDGET (self->visible_switch);
}

/**
 * atlas_layer_row_get_feature_switch:
 *
 * The switch of one of the layer's features, expanding the row as a
 * click would.
 *
 * Returns: (nullable) (transfer none): the switch
 */
GtkWidget *
atlas_layer_row_get_feature_switch (AtlasLayerRow       *self,
                                    AtlasOverlayFeature *feature)
{
  g_return_val_if_fail (ATLAS_IS_LAYER_ROW (self), NULL);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), TRUE);
  for (guint i = 0; self->feature_switches != NULL && i < self->feature_switches->len; i++)
    if (g_ptr_array_index (self->layer->features, i) == feature)
      return g_ptr_array_index (self->feature_switches, i);
  return NULL;
}

gboolean
atlas_layer_row_name_matches (const char *name_zh,
                              const char *name_en,
                              const char *folded)
{
  g_autofree char *en = g_utf8_casefold (name_en != NULL ? name_en : "", -1);

  return *folded == '\0' || strstr (name_zh, folded) != NULL || strstr (en, folded) != NULL;
}

/**
 * atlas_layer_row_filter:
 * @folded: the casefolded filter text
 * @group_matches: whether the layer's group matches it
 *
 * Shows the row when the layer or one of its features matches, and within
 * it the features that match; only some features matching opens the row
 * on them.
 *
 * Returns: whether the row is shown
 */
gboolean
atlas_layer_row_filter (AtlasLayerRow *self,
                        const char    *folded,
                        gboolean       group_matches)
{
  AtlasOverlayLayer *layer = self->layer;
  gboolean layer_matches = group_matches || atlas_layer_row_name_matches (layer->name_zh, layer->name_en,
                                                                          folded);
  gboolean any_feature = FALSE;

  for (guint i = 0; i < layer->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);

      any_feature |= atlas_layer_row_name_matches (f->name_zh, f->name_en, folded);
    }
  if (!layer_matches && any_feature)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), TRUE);
  for (guint i = 0; self->feature_switches != NULL && i < self->feature_switches->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);
      GtkWidget *row = gtk_widget_get_ancestor (g_ptr_array_index (self->feature_switches, i),
                                                ADW_TYPE_ACTION_ROW);

      if (row != NULL)
        gtk_widget_set_visible (row, layer_matches || atlas_layer_row_name_matches (f->name_zh, f->name_en,
                                                                                    folded));
    }
  gtk_widget_set_visible (GTK_WIDGET (self), layer_matches || any_feature);
  return layer_matches || any_feature;
}
