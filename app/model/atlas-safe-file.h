/* atlas-safe-file.h — replacing a file so that it holds its old or all of its new contents
 *
 * The new contents go to a temporary file beside the target, which is
 * synced and renamed over it. A symbolic link is followed to its target
 * (the link stays a link) and the target keeps its permissions, as GIO's
 * g_file_replace does; anything but a regular file (a FIFO, a device, a
 * folder) is refused. A hard link is replaced by the new file: the other
 * names of the old file keep the old contents. Temporaries are named
 * ".NAME.atlas-PID-XXXXXX"; they are removed on failure and on SIGINT and
 * SIGTERM, and those of processes that are gone are swept away.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtlasSafeFile AtlasSafeFile;

AtlasSafeFile *atlas_safe_file_new      (const char     *path,
                                         GError        **error);
gboolean       atlas_safe_file_write    (AtlasSafeFile  *file,
                                         const void     *data,
                                         gsize           length);
gboolean       atlas_safe_file_commit   (AtlasSafeFile  *file,
                                         gboolean        ok,
                                         const char     *reason,
                                         GError        **error);

gboolean       atlas_safe_file_replace_contents (const char  *path,
                                                 const void  *data,
                                                 gsize        length,
                                                 GError     **error);
void           atlas_safe_file_install_signal_cleanup (void);
guint          atlas_safe_file_sweep    (const char     *dir);

G_END_DECLS
