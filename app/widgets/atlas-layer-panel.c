/* atlas-layer-panel.c — the sidebar of the plan's layers
 *
 * Groups → layers → features. Each layer row has a legend swatch drawn by
 * the map's own painter, a visibility switch and, expanded, an opacity
 * slider, "show only this layer", and its features with their areas;
 * activating a feature selects it. The rows follow the shared layer state.
 */

#include "config.h"

#include "atlas-layer-panel.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "render/atlas-overlay-renderer.h"

struct _AtlasLayerPanel
{
  GtkWidget        parent_instance;

  AtlasLayerState *state;
  AtlasSelection  *selection;
  GtkWidget       *scroller;
  GHashTable      *switches;   /* layer id → GtkSwitch */
  GHashTable      *scales;     /* layer id → GtkScale */
  GHashTable      *feature_switches;  /* feature id → GtkSwitch, once built */
  GHashTable      *group_switches;    /* group id → GtkSwitch */
  GHashTable      *rows;              /* layer id → AdwExpanderRow */
  GHashTable      *group_boxes;       /* group id → GtkBox */
  GtkWidget       *filter_entry;
  gboolean         syncing;
};

G_DEFINE_FINAL_TYPE (AtlasLayerPanel, atlas_layer_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_SELECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
switch_active_cb (GtkSwitch       *sw,
                  GParamSpec      *pspec,
                  AtlasLayerPanel *self)
{
  AtlasOverlayLayer *layer = g_object_get_data (G_OBJECT (sw), "layer");

  if (!self->syncing)
    atlas_layer_state_set_visible (self->state, layer, gtk_switch_get_active (sw));
}

static void
feature_switch_cb (GtkSwitch       *sw,
                   GParamSpec      *pspec,
                   AtlasLayerPanel *self)
{
  AtlasOverlayFeature *f = g_object_get_data (G_OBJECT (sw), "feature");

  if (self->syncing)
    return;
  /* switching a feature on shows its layer too */
  if (gtk_switch_get_active (sw))
    atlas_layer_state_set_visible (self->state, f->layer, TRUE);
  atlas_layer_state_set_feature_visible (self->state, f, gtk_switch_get_active (sw));
}

static void
group_switch_cb (GtkSwitch       *sw,
                 GParamSpec      *pspec,
                 AtlasLayerPanel *self)
{
  AtlasOverlayGroup *group = g_object_get_data (G_OBJECT (sw), "group");

  if (!self->syncing)
    atlas_layer_state_set_group_visible (self->state, group, gtk_switch_get_active (sw));
}

static void
scale_changed_cb (GtkRange        *range,
                  AtlasLayerPanel *self)
{
  AtlasOverlayLayer *layer = g_object_get_data (G_OBJECT (range), "layer");

  if (!self->syncing)
    atlas_layer_state_set_opacity (self->state, layer, gtk_range_get_value (range) / 100.0);
}

static void
feature_activated_cb (AdwActionRow    *row,
                      AtlasLayerPanel *self)
{
  AtlasOverlayFeature *f = g_object_get_data (G_OBJECT (row), "feature");

  /* selecting a feature of a hidden layer shows the layer */
  atlas_layer_state_set_visible (self->state, f->layer, TRUE);
  atlas_selection_set_feature (self->selection, f);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.frame-selection", NULL);
}

static void
layer_row_expanded_cb (AdwExpanderRow  *row,
                       GParamSpec      *pspec,
                       AtlasLayerPanel *self)
{
  AtlasOverlayLayer *layer = g_object_get_data (G_OBJECT (row), "layer");

  if (!adw_expander_row_get_expanded (row) || g_object_get_data (G_OBJECT (row), "built") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "built", GINT_TO_POINTER (TRUE));

  for (guint i = 0; i < layer->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);
      GtkWidget *frow = adw_action_row_new ();
      g_autofree char *fsub = feature_subtitle (f);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (frow), f->name_zh);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (frow), fsub);
      adw_action_row_add_prefix (ADW_ACTION_ROW (frow), swatch_new (f->style, kind_of_feature (f),
                                                                  f->schematic));
      {
        GtkWidget *sw = gtk_switch_new ();

        gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
        gtk_switch_set_active (GTK_SWITCH (sw), atlas_layer_state_get_feature_visible (self->state, f));
        gtk_widget_set_tooltip_text (sw, _("Show or hide this feature"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, f->name_zh, -1);
        g_object_set_data (G_OBJECT (sw), "feature", f);
        g_signal_connect (sw, "notify::active", G_CALLBACK (feature_switch_cb), self);
        adw_action_row_add_suffix (ADW_ACTION_ROW (frow), sw);
        g_hash_table_insert (self->feature_switches, f->id, sw);
      }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (frow), TRUE);
      g_object_set_data (G_OBJECT (frow), "feature", f);
      g_signal_connect (frow, "activated", G_CALLBACK (feature_activated_cb), self);
      adw_expander_row_add_row (row, frow);
    }
}

/* On when any layer of the group shows; mixed (a paler switch, and so
 * told to screen readers) when only some do. */
static void
set_group_switch (GtkSwitch *sw,
                  gboolean   any,
                  gboolean   all)
{
  gboolean mixed = any && !all;

  gtk_switch_set_active (sw, any);
  if (mixed)
    gtk_widget_add_css_class (GTK_WIDGET (sw), "atlas-mixed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (sw), "atlas-mixed");
  gtk_accessible_update_state (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_STATE_CHECKED,
                               mixed ? GTK_ACCESSIBLE_TRISTATE_MIXED
                                     : any ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (sw), mixed ? _("Some layers of this group are shown; "
                                                          "switch off to hide them all")
                                                      : _("Show or hide the whole group"));
}

static void
sync_from_state (AtlasLayerPanel *self)
{
  GPtrArray *layers = atlas_overlays_get_layers (atlas_layer_state_get_overlays (self->state));

  self->syncing = TRUE;
  for (guint i = 0; i < layers->len; i++)
    {
      AtlasOverlayLayer *layer = g_ptr_array_index (layers, i);
      GtkSwitch *sw = g_hash_table_lookup (self->switches, layer->id);
      GtkRange *scale = g_hash_table_lookup (self->scales, layer->id);

      if (sw != NULL)
        gtk_switch_set_active (sw, atlas_layer_state_get_visible (self->state, layer));
      if (scale != NULL)
        gtk_range_set_value (scale, 100 * atlas_layer_state_get_opacity (self->state, layer));
      for (guint k = 0; k < layer->features->len; k++)
        {
          AtlasOverlayFeature *f = g_ptr_array_index (layer->features, k);
          GtkSwitch *fsw = g_hash_table_lookup (self->feature_switches, f->id);

          if (fsw != NULL)
            gtk_switch_set_active (fsw, atlas_layer_state_get_feature_visible (self->state, f));
        }
    }
  {
    GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));

    for (guint g = 0; g < groups->len; g++)
      {
        AtlasOverlayGroup *group = g_ptr_array_index (groups, g);
        GtkSwitch *gsw = g_hash_table_lookup (self->group_switches, group->id);
        gboolean any = FALSE, all = TRUE;

        for (guint l = 0; l < group->layers->len; l++)
          {
            gboolean v = atlas_layer_state_get_visible (self->state, group->layers->pdata[l]);

            any |= v;
            all &= v;
          }
        if (gsw != NULL)
          set_group_switch (gsw, any, all);
      }
  }
  self->syncing = FALSE;
}

static GtkWidget *
build_layer_row (AtlasLayerPanel   *self,
                 AtlasOverlayLayer *layer)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  GtkWidget *scale, *opacity_row, *only_row, *only_button;
  g_autofree char *count = g_strdup_printf (ngettext ("%u feature", "%u features", layer->features->len),
                                            layer->features->len);
  const AtlasOverlayStyle *first_style = layer->styles->len > 0 ? layer->styles->pdata[0] : NULL;
  gboolean any_schematic = FALSE;

  for (guint i = 0; i < layer->features->len; i++)
    any_schematic |= ((AtlasOverlayFeature *) layer->features->pdata[i])->schematic;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), layer->name_zh);
  /* the English name only: a longer subtitle pushes the switch out of a
   * narrow sidebar */
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), layer->name_en);
  gtk_widget_set_tooltip_text (row, count);
  if (first_style != NULL)
    {
      AtlasOverlayKind kind = layer->features->len > 0 ? kind_of_feature (layer->features->pdata[0])
                                                       : layer->kind;
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), swatch_new (first_style, kind, any_schematic));
    }

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, _("Show or hide this layer"));
  g_object_set_data (G_OBJECT (sw), "layer", layer);
  g_signal_connect (sw, "notify::active", G_CALLBACK (switch_active_cb), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), sw);
  g_hash_table_insert (self->switches, layer->id, sw);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  layer->name_zh, -1);

  /* opacity */
  opacity_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (opacity_row), _("Opacity"));
  scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 100, 5);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 140, -1);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  g_object_set_data (G_OBJECT (scale), "layer", layer);
  g_signal_connect (scale, "value-changed", G_CALLBACK (scale_changed_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (opacity_row), scale);
  g_hash_table_insert (self->scales, layer->id, scale);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), opacity_row);

  /* show only this layer */
  only_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (only_row), _("Show only this layer"));
  only_button = gtk_button_new_from_icon_name ("view-reveal-symbolic");
  gtk_widget_set_valign (only_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (only_button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (only_button), "layers.show-only");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (only_button), "s", layer->id);
  gtk_widget_set_tooltip_text (only_button, _("Show only this layer"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (only_row), only_button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (only_row), only_button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), only_row);

  /* the feature rows are built when the row is first expanded */
  g_object_set_data (G_OBJECT (row), "layer", layer);
  g_hash_table_insert (self->rows, layer->id, row);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (layer_row_expanded_cb), self);

  return row;
}

static GtkWidget *
build_group (AtlasLayerPanel   *self,
             AtlasOverlayGroup *group)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (group->name_zh);
  GtkWidget *subtitle = gtk_label_new (group->name_en);
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *list = gtk_list_box_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) show = g_menu_item_new (_("Show All in Group"), NULL);
  g_autoptr(GMenuItem) hide = g_menu_item_new (_("Hide All in Group"), NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (titles), title);
  gtk_box_append (GTK_BOX (titles), subtitle);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (header), titles);

  g_menu_item_set_action_and_target (show, "layers.group-visible", "(sb)", group->id, TRUE);
  g_menu_item_set_action_and_target (hide, "layers.group-visible", "(sb)", group->id, FALSE);
  g_menu_append_item (menu, show);
  g_menu_append_item (menu, hide);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  {
    GtkWidget *sw = gtk_switch_new ();

    gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
    gtk_widget_set_tooltip_text (sw, _("Show or hide the whole group"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, group->name_zh, -1);
    g_object_set_data (G_OBJECT (sw), "group", group);
    g_signal_connect (sw, "notify::active", G_CALLBACK (group_switch_cb), self);
    gtk_box_append (GTK_BOX (header), sw);
    g_hash_table_insert (self->group_switches, group->id, sw);
  }
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (menu_button, _("Group options"));
  gtk_box_append (GTK_BOX (header), menu_button);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < group->layers->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), build_layer_row (self, g_ptr_array_index (group->layers, i)));

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), list);
  g_hash_table_insert (self->group_boxes, group->id, box);
  return box;
}

/* The filter */

static gboolean
name_matches (const char *name_zh,
              const char *name_en,
              const char *folded)
{
  g_autofree char *en = g_utf8_casefold (name_en != NULL ? name_en : "", -1);

  return *folded == '\0' || strstr (name_zh, folded) != NULL || strstr (en, folded) != NULL;
}

/* Shows a feature's row, built when its layer is first expanded, or not. */
static void
show_feature_row (AtlasLayerPanel     *self,
                  AtlasOverlayFeature *f,
                  gboolean             visible)
{
  GtkWidget *sw = g_hash_table_lookup (self->feature_switches, f->id);
  GtkWidget *row = sw != NULL ? gtk_widget_get_ancestor (sw, ADW_TYPE_ACTION_ROW) : NULL;

  if (row != NULL)
    gtk_widget_set_visible (row, visible);
}

static gboolean
filter_layer (AtlasLayerPanel   *self,
              AtlasOverlayLayer *layer,
              const char        *folded,
              gboolean           group_matches)
{
  GtkWidget *row = g_hash_table_lookup (self->rows, layer->id);
  gboolean layer_matches = group_matches || name_matches (layer->name_zh, layer->name_en, folded);
  gboolean any_feature = FALSE;

  for (guint i = 0; i < layer->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);

      any_feature |= name_matches (f->name_zh, f->name_en, folded);
    }
  /* only some features match: open the layer on them */
  if (!layer_matches && any_feature)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  for (guint i = 0; i < layer->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);

      show_feature_row (self, f, layer_matches || name_matches (f->name_zh, f->name_en, folded));
    }
  gtk_widget_set_visible (row, layer_matches || any_feature);
  return layer_matches || any_feature;
}

static void
filter_changed_cb (AtlasLayerPanel *self)
{
  GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), -1);

  g_strstrip (folded);
  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);
      gboolean group_matches = name_matches (group->name_zh, group->name_en, folded);
      gboolean any = FALSE;

      for (guint l = 0; l < group->layers->len; l++)
        any |= filter_layer (self, g_ptr_array_index (group->layers, l), folded, group_matches);
      gtk_widget_set_visible (g_hash_table_lookup (self->group_boxes, group->id), any);
    }
}

/* Keyboard: the panel is one Tab stop (Tab goes on to the map, Shift+Tab
 * back to the search); Up and Down move within it. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AtlasLayerPanel       *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));

  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
      if (state & GDK_SHIFT_MASK)
        return gtk_widget_activate_action (GTK_WIDGET (self), "win.search", NULL);
      return gtk_widget_activate_action (GTK_WIDGET (self), "win.focus-map", NULL);
    case GDK_KEY_ISO_Left_Tab:
      return gtk_widget_activate_action (GTK_WIDGET (self), "win.search", NULL);
    case GDK_KEY_Down:
    case GDK_KEY_Up:
      /* a slider keeps its arrows */
      if (focus != NULL && GTK_IS_RANGE (focus))
        return FALSE;
      gtk_widget_child_focus (self->scroller, keyval == GDK_KEY_Down ? GTK_DIR_TAB_FORWARD
                                                                     : GTK_DIR_TAB_BACKWARD);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
build (AtlasLayerPanel *self)
{
  AtlasOverlays *overlays = atlas_layer_state_get_overlays (self->state);
  GPtrArray *groups = atlas_overlays_get_groups (overlays);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *all = gtk_button_new_with_mnemonic (_("Show _All"));
  GtkWidget *none = gtk_button_new_with_mnemonic (_("Hide A_ll"));

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (all), "layers.all-visible");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (all), "b", TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (none), "layers.all-visible");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (none), "b", FALSE);
  gtk_widget_set_hexpand (all, TRUE);
  gtk_widget_set_hexpand (none, TRUE);
  gtk_box_append (GTK_BOX (toolbar), all);
  gtk_box_append (GTK_BOX (toolbar), none);
  self->filter_entry = gtk_search_entry_new ();
  g_object_set (self->filter_entry, "placeholder-text", _("Filter layers and features"), NULL);
  g_signal_connect_swapped (self->filter_entry, "search-changed", G_CALLBACK (filter_changed_cb), self);
  gtk_box_append (GTK_BOX (box), self->filter_entry);
  gtk_box_append (GTK_BOX (box), toolbar);

  if (groups->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("The plan’s layers could not be loaded."));

      gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_box_append (GTK_BOX (box), empty);
    }
  for (guint g = 0; g < groups->len; g++)
    gtk_box_append (GTK_BOX (box), build_group (self, g_ptr_array_index (groups, g)));

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), box);
  sync_from_state (self);
}

/* Actions */

static void
group_visible_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (widget);
  const char *id;
  gboolean visible;
  AtlasOverlayGroup *group;

  g_variant_get (parameter, "(&sb)", &id, &visible);
  group = atlas_overlays_lookup_group (atlas_layer_state_get_overlays (self->state), id);
  if (group != NULL)
    atlas_layer_state_set_group_visible (self->state, group, visible);
}

static void
show_only_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (widget);
  AtlasOverlayLayer *layer = atlas_overlays_lookup_layer (atlas_layer_state_get_overlays (self->state),
                                                          g_variant_get_string (parameter, NULL));

  if (layer != NULL)
    atlas_layer_state_show_only (self->state, layer);
}

static void
all_visible_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (widget);
  gboolean visible = g_variant_get_boolean (parameter);

  atlas_layer_state_set_all_visible (self->state, visible);
  /* nothing shown: no section's outlines either */
  if (!visible && atlas_selection_get_section (self->selection) != NULL)
    atlas_selection_set_section (self->selection, NULL, NULL);
}

/* GObject */

static void
atlas_layer_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      self->state = g_value_dup_object (value);
      break;
    case PROP_SELECTION:
      self->selection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_layer_panel_constructed (GObject *object)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (object);

  G_OBJECT_CLASS (atlas_layer_panel_parent_class)->constructed (object);

  build (self);
  g_signal_connect_object (self->state, "changed", G_CALLBACK (sync_from_state), self,
                           G_CONNECT_SWAPPED);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

static void
atlas_layer_panel_dispose (GObject *object)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->state);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (atlas_layer_panel_parent_class)->dispose (object);
}

static void
atlas_layer_panel_finalize (GObject *object)
{
  AtlasLayerPanel *self = ATLAS_LAYER_PANEL (object);

  g_hash_table_unref (self->switches);
  g_hash_table_unref (self->scales);
  g_hash_table_unref (self->feature_switches);
  g_hash_table_unref (self->group_switches);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->group_boxes);

  G_OBJECT_CLASS (atlas_layer_panel_parent_class)->finalize (object);
}

static void
atlas_layer_panel_class_init (AtlasLayerPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = atlas_layer_panel_set_property;
  object_class->constructed = atlas_layer_panel_constructed;
  object_class->dispose = atlas_layer_panel_dispose;
  object_class->finalize = atlas_layer_panel_finalize;

  properties[PROP_STATE] =
    g_param_spec_object ("layer-state", NULL, NULL, ATLAS_TYPE_LAYER_STATE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION] =
    g_param_spec_object ("selection", NULL, NULL, ATLAS_TYPE_SELECTION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "layers.group-visible", "(sb)", group_visible_action);
  gtk_widget_class_install_action (widget_class, "layers.show-only", "s", show_only_action);
  gtk_widget_class_install_action (widget_class, "layers.all-visible", "b", all_visible_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "atlaslayerpanel");
}

static void
atlas_layer_panel_init (AtlasLayerPanel *self)
{
  self->switches = g_hash_table_new (g_str_hash, g_str_equal);
  self->scales = g_hash_table_new (g_str_hash, g_str_equal);
  self->feature_switches = g_hash_table_new (g_str_hash, g_str_equal);
  self->group_switches = g_hash_table_new (g_str_hash, g_str_equal);
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->group_boxes = g_hash_table_new (g_str_hash, g_str_equal);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

AtlasLayerPanel *
atlas_layer_panel_new (AtlasLayerState *state,
                       AtlasSelection  *selection)
{
  return g_object_new (ATLAS_TYPE_LAYER_PANEL, "layer-state", state, "selection", selection, NULL);
}

/* For tests: the visibility switch of a layer. */
GtkWidget *
atlas_layer_panel_get_switch (AtlasLayerPanel *self,
                              const char      *layer_id)
{
  return g_hash_table_lookup (self->switches, layer_id);
}

/**
 * atlas_layer_panel_get_feature_switch:
 *
 * The switch of a feature, expanding its layer's row as a click would.
 *
 * Returns: (nullable) (transfer none): the switch
 */
GtkWidget *
atlas_layer_panel_get_feature_switch (AtlasLayerPanel     *self,
                                      AtlasOverlayFeature *feature)
{
  AdwExpanderRow *row = g_hash_table_lookup (self->rows, feature->layer->id);

  if (row != NULL)
    adw_expander_row_set_expanded (row, TRUE);
  return g_hash_table_lookup (self->feature_switches, feature->id);
}

GtkWidget *
atlas_layer_panel_get_group_switch (AtlasLayerPanel *self,
                                    const char      *group_id)
{
  return g_hash_table_lookup (self->group_switches, group_id);
}

/* Filters the rows by a layer's or feature's name, as typing in the
 * panel's search field does (without its delay). */
void
atlas_layer_panel_set_filter (AtlasLayerPanel *self,
                              const char      *text)
{
  g_return_if_fail (ATLAS_IS_LAYER_PANEL (self));
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text);
  filter_changed_cb (self);
}
