/* atlas-safe-file.c — replacing a file so that it holds its old or all of its new contents */

#define _GNU_SOURCE /* lstat, fchown, O_CLOEXEC, kill */

#include "atlas-safe-file-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40
#define N_SLOTS 16
#define SLOT_SIZE 4096

struct _AtlasSafeFile
{
  char *path;      /* as given, for messages */
  char *target;    /* @path with its symbolic links followed */
  char *tmp;
  int   fd;
  int   slot;      /* -1: not registered for the signal handler */
  int   saved_errno;
};

/* Temporaries to remove when SIGINT or SIGTERM ends the process; the
 * handler only calls unlink, which is async-signal-safe. */
static char slot_paths[N_SLOTS][SLOT_SIZE];
static volatile sig_atomic_t slot_used[N_SLOTS];
static GMutex slot_lock;
static gint64 space_for_test = -1;

void
atlas_safe_file_set_space_for_test (gint64 bytes)
{
  space_for_test = bytes;
}

static void
cleanup_signal_handler (int sig)
{
  int saved = errno;

  for (int i = 0; i < N_SLOTS; i++)
    if (slot_used[i])
      unlink (slot_paths[i]);
  signal (sig, SIG_DFL);
  errno = saved;
  raise (sig);
}

/**
 * atlas_safe_file_install_signal_cleanup:
 *
 * Removes the temporaries of unfinished writes when SIGINT or SIGTERM ends
 * the process, then ends it as the signal would have. A handler that
 * someone else installed is left alone.
 */
void
atlas_safe_file_install_signal_cleanup (void)
{
  const int sigs[] = { SIGINT, SIGTERM };

  for (guint i = 0; i < G_N_ELEMENTS (sigs); i++)
    {
      struct sigaction old, sa = { 0 };

      if (sigaction (sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL)
        continue;
      sa.sa_handler = cleanup_signal_handler;
      sigemptyset (&sa.sa_mask);
      sigaction (sigs[i], &sa, NULL);
    }
}

static int
register_slot (const char *path)
{
  int slot = -1;

  if (strlen (path) >= SLOT_SIZE)
    return -1;
  g_mutex_lock (&slot_lock);
  for (int i = 0; i < N_SLOTS && slot < 0; i++)
    if (!slot_used[i])
      {
        strcpy (slot_paths[i], path);
        slot_used[i] = 1;
        slot = i;
      }
  g_mutex_unlock (&slot_lock);
  return slot;
}

static void
unregister_slot (int slot)
{
  if (slot < 0)
    return;
  g_mutex_lock (&slot_lock);
  slot_used[slot] = 0;
  g_mutex_unlock (&slot_lock);
}

/* ".NAME.atlas-PID-XXXXXX" of a process that no longer runs */
static gboolean
is_stale_temporary (const char *name)
{
  const char *tag = g_strrstr (name, ".atlas-");
  guint64 pid;
  char *end;

  if (name[0] != '.' || tag == NULL || tag == name)
    return FALSE;
  pid = g_ascii_strtoull (tag + 7, &end, 10);
  if (end == tag + 7 || *end != '-' || strlen (end + 1) != 6 || pid == 0 || pid > G_MAXINT
      || (pid_t) pid == getpid ())
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/**
 * atlas_safe_file_sweep:
 * @dir: a folder
 *
 * Removes the temporaries that writes of processes that were killed left
 * in @dir (only regular files of our own naming). Returns how many.
 */
guint
atlas_safe_file_sweep (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!is_stale_temporary (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && g_unlink (path) == 0)
        n++;
    }
  return n;
}

/* Follows symbolic links to the file that is to be replaced; *st holds
 * its status, st_mode 0 when it does not exist yet. */
static char *
resolve_target (const char  *path,
                GStatBuf    *st,
                GError     **error)
{
  g_autofree char *target = g_strdup (path);

  for (int i = 0; i < MAX_LINKS; i++)
    {
      g_autofree char *link = NULL;
      g_autofree char *dir = NULL;

      if (g_lstat (target, st) != 0)
        {
          int saved = errno;

          memset (st, 0, sizeof *st);
          if (saved == ENOENT)
            return g_steal_pointer (&target);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot write %s: %s"),
                       path, g_strerror (saved));
          return NULL;
        }
      if (S_ISREG (st->st_mode))
        return g_steal_pointer (&target);
      if (!S_ISLNK (st->st_mode))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("Cannot write %s: it is not a regular file (a folder, pipe or device); "
                         "choose another name"), path);
          return NULL;
        }
      link = g_file_read_link (target, error);
      if (link == NULL)
        return NULL;
      dir = g_path_get_dirname (target);
      g_free (target);
      target = g_path_is_absolute (link) ? g_strdup (link) : g_build_filename (dir, link, NULL);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_LOOP, _("Cannot write %s: too many symbolic links"),
               path);
  return NULL;
}

/**
 * atlas_safe_file_new:
 * @path: the file to replace or create
 *
 * Starts replacing @path: opens a temporary file beside its target with
 * the target's permissions. Finish with atlas_safe_file_commit().
 */
AtlasSafeFile *
atlas_safe_file_new (const char  *path,
                     GError     **error)
{
  GStatBuf st;
  g_autofree char *target = resolve_target (path, &st, error);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  AtlasSafeFile *file;

  if (target == NULL)
    return NULL;
  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);
  atlas_safe_file_sweep (dir);

  file = g_new0 (AtlasSafeFile, 1);
  file->path = g_strdup (path);
  file->target = g_strdup (target);
  file->tmp = g_strdup_printf ("%s/.%s.atlas-%d-XXXXXX", dir, base, (int) getpid ());
  file->fd = g_mkstemp_full (file->tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (file->fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot write to %s: %s"),
                   dir, g_strerror (saved));
      g_free (file->tmp);
      g_free (file->target);
      g_free (file->path);
      g_free (file);
      return NULL;
    }
  file->slot = register_slot (file->tmp);
  if (st.st_mode != 0)
    {
      /* keep the replaced file's permissions (and its owner, where allowed) */
      if (fchmod (file->fd, st.st_mode & 07777) != 0)
        file->saved_errno = errno;
      if ((st.st_uid != geteuid () || st.st_gid != getegid ())
          && fchown (file->fd, st.st_uid, st.st_gid) != 0)
        {
          /* not allowed: the new file belongs to us, as with g_file_replace */
        }
    }
  return file;
}

/**
 * atlas_safe_file_write:
 *
 * Writes all of @data; on failure returns %FALSE and remembers why for
 * atlas_safe_file_commit().
 */
gboolean
atlas_safe_file_write (AtlasSafeFile *file,
                       const void    *data,
                       gsize          length)
{
  const guint8 *p = data;

  if (file->saved_errno != 0)
    return FALSE;
  while (length > 0)
    {
      gsize chunk = length;
      ssize_t n;

      if (space_for_test >= 0 && (gint64) chunk > space_for_test)
        chunk = space_for_test;
      n = chunk > 0 ? write (file->fd, p, chunk) : -1;
      if (chunk == 0)
        errno = ENOSPC;
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          file->saved_errno = n < 0 ? errno : EIO;
          return FALSE;
        }
      if (space_for_test >= 0)
        space_for_test -= n;
      p += n;
      length -= n;
    }
  return TRUE;
}

/**
 * atlas_safe_file_commit:
 * @ok: %FALSE when the caller failed to produce the contents
 * @reason: (nullable): why, for the message, when @ok is %FALSE
 *
 * Syncs the temporary file and renames it over the target, or removes it
 * when anything failed; the target then keeps its old contents. Frees @file.
 */
gboolean
atlas_safe_file_commit (AtlasSafeFile  *file,
                        gboolean        ok,
                        const char     *reason,
                        GError        **error)
{
  int saved = file->saved_errno;
  gboolean done = FALSE;

  if (ok && saved == 0 && fsync (file->fd) != 0)
    saved = errno;
  if (close (file->fd) != 0 && saved == 0)
    saved = errno;
  /* onto the link's target: renaming onto the link would replace the link */
  if (ok && saved == 0 && g_rename (file->tmp, file->target) != 0)
    saved = errno;
  if (ok && saved == 0)
    done = TRUE;
  if (!done)
    {
      g_unlink (file->tmp);
      if (saved == ENOSPC || saved == EDQUOT)
        reason = _("the disk is full");
      else if (saved != 0)
        reason = g_strerror (saved);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Could not write %s: %s"),
                   file->path, reason != NULL ? reason : g_strerror (EIO));
    }
  unregister_slot (file->slot);
  g_free (file->tmp);
  g_free (file->target);
  g_free (file->path);
  g_free (file);
  return done;
}

/**
 * atlas_safe_file_replace_contents:
 *
 * Replaces @path with @data as a whole (see atlas_safe_file_new()).
 */
gboolean
atlas_safe_file_replace_contents (const char  *path,
                                  const void  *data,
                                  gsize        length,
                                  GError     **error)
{
  AtlasSafeFile *file = atlas_safe_file_new (path, error);

  if (file == NULL)
    return FALSE;
  atlas_safe_file_write (file, data, length);
  return atlas_safe_file_commit (file, TRUE, NULL, error);
}
