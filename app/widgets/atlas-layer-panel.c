/* atlas-layer-panel.c — the sidebar of the plan's layers
 *
 * Groups → layers → features. Each group has a header with a switch for
 * all its layers; each layer is an AtlasLayerRow (atlas-layer-row.c),
 * made by the group's list box from a GListStore of AtlasLayerItems.
 * The rows follow the shared layer state.
 */

#include "config.h"

#include "atlas-layer-panel.h"
#include "atlas-layer-row.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _AtlasLayerPanel
{
  GtkWidget        parent_instance;

  AtlasLayerState *state;
  AtlasSelection  *selection;
  GtkWidget       *scroller;
  GPtrArray       *rows;            /* AtlasLayerRow by the layer's index */
  GPtrArray       *group_switches;  /* GtkSwitch by the group's place */
  GPtrArray       *group_boxes;     /* GtkBox by the group's place */
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

/* An item of a group's list model: one layer (owned by the overlays). */
#define ATLAS_TYPE_LAYER_ITEM (atlas_layer_item_get_type ())
G_DECLARE_FINAL_TYPE (AtlasLayerItem, atlas_layer_item, ATLAS, LAYER_ITEM, GObject)

struct _AtlasLayerItem
{
  GObject            parent_instance;
  AtlasOverlayLayer *layer;
};

G_DEFINE_FINAL_TYPE (AtlasLayerItem, atlas_layer_item, G_TYPE_OBJECT)

static void
atlas_layer_item_class_init (AtlasLayerItemClass *klass)
{
}

static void
atlas_layer_item_init (AtlasLayerItem *self)
{
}

static AtlasLayerItem *
atlas_layer_item_new (AtlasOverlayLayer *layer)
{
  AtlasLayerItem *self = g_object_new (ATLAS_TYPE_LAYER_ITEM, NULL);

  self->layer = layer;
  return self;
}

/* The group of a group's switch. */
static AtlasOverlayGroup *
group_of_switch (AtlasLayerPanel *self,
                 GtkSwitch       *sw)
{
  GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));
  guint i;

  if (!g_ptr_array_find (self->group_switches, sw, &i) || i >= groups->len)
    return NULL;
  return g_ptr_array_index (groups, i);
}

static void
group_switch_cb (GtkSwitch       *sw,
                 GParamSpec      *pspec,
                 AtlasLayerPanel *self)
{
  AtlasOverlayGroup *group = group_of_switch (self, sw);

  if (!self->syncing && group != NULL)
    atlas_layer_state_set_group_visible (self->state, group, gtk_switch_get_active (sw));
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
  self->syncing = TRUE;
  {
    GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));

    for (guint g = 0; g < groups->len; g++)
      {
        AtlasOverlayGroup *group = g_ptr_array_index (groups, g);
        GtkSwitch *gsw = g < self->group_switches->len ? g_ptr_array_index (self->group_switches, g) : NULL;
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

/* The list box's row for an item of a group's model. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AtlasLayerPanel *self = user_data;
  AtlasOverlayLayer *layer = ATLAS_LAYER_ITEM (item)->layer;
  AtlasLayerRow *row = atlas_layer_row_new (self->state, self->selection, layer);

  if (layer->index >= self->rows->len)
    g_ptr_array_set_size (self->rows, layer->index + 1);
  self->rows->pdata[layer->index] = row;
  return GTK_WIDGET (row);
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
  g_autoptr(GListStore) model = g_list_store_new (ATLAS_TYPE_LAYER_ITEM);
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
    g_signal_connect (sw, "notify::active", G_CALLBACK (group_switch_cb), self);
    gtk_box_append (GTK_BOX (header), sw);
    g_ptr_array_add (self->group_switches, sw);
  }
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (menu_button, _("Group options"));
  gtk_box_append (GTK_BOX (header), menu_button);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < group->layers->len; i++)
    {
      g_autoptr(AtlasLayerItem) item = atlas_layer_item_new (g_ptr_array_index (group->layers, i));

      g_list_store_append (model, item);
    }
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (model), create_row, self, NULL);

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), list);
  g_ptr_array_add (self->group_boxes, box);
  return box;
}

/* The filter */

static void
filter_changed_cb (AtlasLayerPanel *self)
{
  GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), -1);

  g_strstrip (folded);
  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);
      gboolean group_matches = atlas_layer_row_name_matches (group->name_zh, group->name_en, folded);
      gboolean any = FALSE;

      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

          any |= atlas_layer_row_filter (g_ptr_array_index (self->rows, layer->index), folded, group_matches);
        }
      gtk_widget_set_visible (g_ptr_array_index (self->group_boxes, g), any);
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

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->group_switches);
  g_ptr_array_unref (self->group_boxes);

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
  self->rows = g_ptr_array_new ();
  self->group_switches = g_ptr_array_new ();
  self->group_boxes = g_ptr_array_new ();
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

/* The row of a layer, by its id. */
static AtlasLayerRow *
row_of_layer (AtlasLayerPanel *self,
              const char      *layer_id)
{
  AtlasOverlayLayer *layer = atlas_overlays_lookup_layer (atlas_layer_state_get_overlays (self->state),
                                                          layer_id);

  if (layer == NULL || layer->index >= self->rows->len)
    return NULL;
  return g_ptr_array_index (self->rows, layer->index);
}

/* For tests: the visibility switch of a layer. */
GtkWidget *
atlas_layer_panel_get_switch (AtlasLayerPanel *self,
                              const char      *layer_id)
{
  AtlasLayerRow *row = row_of_layer (self, layer_id);

  return row != NULL ? atlas_layer_row_get_switch (row) : NULL;
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
  AtlasLayerRow *row = row_of_layer (self, feature->layer->id);

  return row != NULL ? atlas_layer_row_get_feature_switch (row, feature) : NULL;
}

GtkWidget *
atlas_layer_panel_get_group_switch (AtlasLayerPanel *self,
                                    const char      *group_id)
{
  GPtrArray *groups = atlas_overlays_get_groups (atlas_layer_state_get_overlays (self->state));

  for (guint g = 0; g < groups->len && g < self->group_switches->len; g++)
    if (g_str_equal (((AtlasOverlayGroup *) g_ptr_array_index (groups, g))->id, group_id))
      return g_ptr_array_index (self->group_switches, g);
  return NULL;
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
