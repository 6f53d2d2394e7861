// SPDX-License-Identifier: GPL-2.0
/*
 * kdump key type: a copy of a volume key that the kernel hands over to the
 * kdump capture kernel, so that the capture kernel can unlock an encrypted
 * dump target without a passphrase and without Argon2.
 *
 * See Documentation/security/keys/kdump.rst.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/key-type.h>
#include <linux/parser.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <keys/kdump-type.h>
#include <keys/user-type.h>
#include "../internal.h"
#include "internal.h"

/* Serialises kdump_keys_live against writing and wiping the crash segment */
DEFINE_MUTEX(kdump_keys_lock);
LIST_HEAD(kdump_keys_live);

/* Slots of key_preparsed_payload::payload.data[] */
enum {
	kdump_prep_payload,	/* struct kdump_key_payload, NULL until converted */
	kdump_prep_options,	/* struct kdump_key_options */
};

/**
 * struct kdump_key_options - what an add_key() or update payload asked for
 * @source: description of the source key; NULL: the kdump key's own
 * @source_type: &key_type_logon or &key_type_user
 * @restore: type of the key recreated in the capture kernel
 */
struct kdump_key_options {
	char *source;
	struct key_type *source_type;
	enum kdump_key_restore restore;
};

enum {
	opt_source,
	opt_source_type,
	opt_restore,
	opt_err,
};

static const match_table_t kdump_key_tokens = {
	{ opt_source, "source=%s" },
	{ opt_source_type, "source_type=%s" },
	{ opt_restore, "restore=%s" },
	{ opt_err, NULL },
};

static const char * const kdump_key_restore_names[KDUMP_RESTORE_NR] = {
	[KDUMP_RESTORE_USER] = "user",
	[KDUMP_RESTORE_LOGON] = "logon",
};

static const char * const kdump_key_state_names[] = {
	[KDUMP_KEY_PENDING] = "pending",
	[KDUMP_KEY_LOADED] = "loaded",
	[KDUMP_KEY_RESTORED] = "restored",
};

const char *kdump_key_restore_name(enum kdump_key_restore restore)
{
	return kdump_key_restore_names[restore];
}

/*
 * Descriptions have the form "prefix:rest", as for logon keys, so that the
 * key recreated in the capture kernel is valid whatever its type.
 */
int kdump_key_vet_description(const char *desc)
{
	const char *colon = strchr(desc, ':');

	return colon && colon != desc ? 0 : -EINVAL;
}

static int kdump_key_parse_option(char *p, struct kdump_key_options *opts,
				  unsigned long *seen)
{
	substring_t args[MAX_OPT_ARGS];
	int token = match_token(p, kdump_key_tokens, args);
	int restore;

	if (token == opt_err || __test_and_set_bit(token, seen))
		return -EINVAL;

	switch (token) {
	case opt_source:
		opts->source = match_strdup(&args[0]);
		if (!opts->source)
			return -ENOMEM;
		return kdump_key_vet_description(opts->source);
	case opt_source_type:
		if (!strcmp(args[0].from, "logon"))
			opts->source_type = &key_type_logon;
		else if (!strcmp(args[0].from, "user"))
			opts->source_type = &key_type_user;
		else
			return -EINVAL;
		return 0;
	case opt_restore:
		restore = match_string(kdump_key_restore_names,
				       KDUMP_RESTORE_NR, args[0].from);
		if (restore < 0)
			return -EINVAL;
		opts->restore = restore;
		return 0;
	}
	return -EINVAL;
}

/*
 * Options are words separated by blanks or newlines (so that a file written
 * with echo can be fed to "keyctl padd").  The scratch copy is NUL-terminated
 * for match_token(); it holds no secret, but is wiped like the other copies
 * of what user space handed in.
 */
static int kdump_key_parse_options(const void *data, size_t datalen,
				   struct kdump_key_options *opts)
{
	unsigned long seen = 0;
	char *scratch, *cursor, *p;
	int ret = 0;

	opts->source_type = &key_type_logon;
	opts->restore = KDUMP_RESTORE_USER;
	if (!datalen)
		return 0;

	scratch = kmemdup_nul(data, datalen, GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;

	/* An embedded NUL would silently hide the options after it */
	if (strlen(scratch) != datalen)
		ret = -EINVAL;

	cursor = scratch;
	while (!ret && (p = strsep(&cursor, " \t\n"))) {
		if (*p)
			ret = kdump_key_parse_option(p, opts, &seen);
	}

	kfree_sensitive(scratch);
	return ret;
}

static struct kdump_key_payload *
kdump_key_copy_source(struct key *source, enum kdump_key_restore restore)
{
	const struct user_key_payload *upayload;
	struct kdump_key_payload *payload;
	int ret;

	down_read(&source->sem);
	ret = key_validate(source);
	if (ret)
		goto out;
	upayload = user_key_payload_locked(source);
	if (!upayload) {
		ret = -EKEYREVOKED;
		goto out;
	}
	if (!upayload->datalen || upayload->datalen > KDUMP_KEY_MAX_SIZE) {
		ret = -EINVAL;
		goto out;
	}

	payload = kzalloc(struct_size(payload, keydata, upayload->datalen),
			  GFP_KERNEL);
	if (!payload) {
		ret = -ENOMEM;
		goto out;
	}
	INIT_LIST_HEAD(&payload->node);
	payload->restore = restore;
	payload->keylen = upayload->datalen;
	memcpy(payload->keydata, upayload->data, upayload->datalen);
out:
	up_read(&source->sem);
	return ret ? ERR_PTR(ret) : payload;
}

/*
 * A logon key is never read back by design, yet its copy becomes a key
 * that a capture kernel may hand to user space: converting needs more
 * than the Search permission that found it.  The caller must own the
 * source or hold Read permission on it, on top of CAP_SYS_ADMIN.  It was
 * found through the caller's own keyrings, so it is possessed.
 */
static int kdump_key_may_convert(struct key *source)
{
	if (uid_eq(source->uid, current_fsuid()))
		return 0;
	return key_task_permission(make_key_ref(source, true), current_cred(),
				   KEY_NEED_READ);
}

/* Take a fresh copy of the source key named by @opts, or by @desc */
static struct kdump_key_payload *
kdump_key_convert(const struct kdump_key_options *opts, const char *desc)
{
	struct kdump_key_payload *payload;
	struct key *source;
	int ret;

	/* As request_key(2) without a callout: no upcall, expired keys skipped */
	source = request_key(opts->source_type, opts->source ?: desc, NULL);
	if (IS_ERR(source))
		return ERR_CAST(source);

	ret = kdump_key_may_convert(source);
	payload = ret ? ERR_PTR(ret) : kdump_key_copy_source(source,
							     opts->restore);
	key_put(source);
	return payload;
}

/**
 * kdump_key_copy_logon - copy a logon key once, for configfs
 * @desc: description of the logon key, found as request_key(2) would
 *
 * The same lookup and permission check as a kdump key's conversion; the
 * copy is restored in the capture kernel only on request.
 *
 * Return: the new payload, or an ERR_PTR().
 */
struct kdump_key_payload *kdump_key_copy_logon(const char *desc)
{
	struct kdump_key_options opts = {
		.source = (char *)desc,
		.source_type = &key_type_logon,
		.restore = KDUMP_RESTORE_USER,
	};
	struct kdump_key_payload *payload;

	payload = kdump_key_convert(&opts, desc);
	if (!IS_ERR(payload))
		payload->flags = KDUMP_RECORD_ON_REQUEST;
	return payload;
}

/*
 * Parse the options and copy the source key.  No lock is held: the source
 * is looked up here, in the caller's context.  KEYCTL_UPDATE does not tell
 * which key it updates, so a conversion that defaults to the key's own
 * description is left to ->update.
 */
static int kdump_key_preparse(struct key_preparsed_payload *prep)
{
	struct kdump_key_payload *payload;
	struct kdump_key_options *opts;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (prep->datalen > KDUMP_KEY_MAX_OPTIONS)
		return -EINVAL;

	opts = kzalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts)
		return -ENOMEM;
	prep->payload.data[kdump_prep_options] = opts;

	ret = kdump_key_parse_options(prep->data, prep->datalen, opts);
	if (ret)
		return ret;
	if (!opts->source && !prep->orig_description)
		return 0;

	payload = kdump_key_convert(opts, prep->orig_description);
	if (IS_ERR(payload))
		return PTR_ERR(payload);
	prep->payload.data[kdump_prep_payload] = payload;
	prep->quotalen = payload->keylen;
	return 0;
}

static void kdump_key_free_preparse(struct key_preparsed_payload *prep)
{
	struct kdump_key_options *opts = prep->payload.data[kdump_prep_options];

	if (opts)
		kfree(opts->source);
	kfree(opts);
	kfree_sensitive(prep->payload.data[kdump_prep_payload]);
}

static void kdump_key_free_payload_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct kdump_key_payload, rcu));
}

static void kdump_key_report_full(const struct key *key, int ret)
{
	if (ret != -ENOSPC)
		return;
	if (kdump_keys_check_limits())
		pr_warn_ratelimited("%s: over %u kdump keys or %u KiB of them\n",
				    key->description, KDUMP_BLOB_MAX_KEYS,
				    KDUMP_BLOB_MAX_SLOT / 1024);
	else
		pr_warn_ratelimited("%s: no room left in the loaded capture kernel, load it again\n",
				    key->description);
}

/*
 * Make @payload (NULL: none) the live copy of @key in place of its current
 * one, and write the change to crash memory before anyone sees it.  Adding
 * or replacing a copy fails, changing nothing, when it does not fit;
 * dropping one always succeeds.  key->sem is held.
 */
static int kdump_key_replace(struct key *key,
			     struct kdump_key_payload *payload)
{
	struct kdump_key_payload *old = NULL;
	int ret = 0;

	if (key_is_positive(key))
		old = dereference_key_locked(key);

	mutex_lock(&kdump_keys_lock);
	if (old)
		list_del_init(&old->node);
	if (payload) {
		payload->key = key;
		list_add_tail(&payload->node, &kdump_keys_live);
		ret = kdump_keys_check_limits() ?: kdump_keys_rewrite();
		if (ret) {
			kdump_key_report_full(key, ret);
			list_del_init(&payload->node);
			if (old)
				list_add_tail(&old->node, &kdump_keys_live);
		}
	} else {
		kdump_keys_forget();
	}
	mutex_unlock(&kdump_keys_lock);
	if (ret)
		return ret;

	rcu_assign_keypointer(key, payload);
	if (old)
		call_rcu(&old->rcu, kdump_key_free_payload_rcu);
	return 0;
}

/* Charge the key for the converted copy and make it the live payload */
static int kdump_key_attach(struct key *key, struct key_preparsed_payload *prep)
{
	struct kdump_key_payload *payload;
	size_t oldlen = key->datalen;
	int ret;

	payload = prep->payload.data[kdump_prep_payload];
	ret = key_payload_reserve(key, payload->keylen);
	if (ret)
		return ret;

	ret = kdump_key_replace(key, payload);
	if (ret) {
		key_payload_reserve(key, oldlen);
		return ret;
	}
	prep->payload.data[kdump_prep_payload] = NULL;
	return 0;
}

/*
 * Instantiate a key; called with key_construction_mutex held and the
 * destination keyring locked.
 */
static int kdump_key_instantiate(struct key *key,
				 struct key_preparsed_payload *prep)
{
	return kdump_key_attach(key, prep);
}

/* Convert again, e.g. after a volume key rotation; key->sem write-locked */
static int kdump_key_update(struct key *key, struct key_preparsed_payload *prep)
{
	struct kdump_key_options *opts = prep->payload.data[kdump_prep_options];
	struct kdump_key_payload *payload;
	int ret;

	/*
	 * keyctl_update() checked the key before a revoke or an invalidation
	 * could win the lock: bytes attached now would outlive them.
	 */
	ret = key_validate(key);
	if (ret)
		return ret;

	if (!prep->payload.data[kdump_prep_payload]) {
		payload = kdump_key_convert(opts, key->description);
		if (IS_ERR(payload))
			return PTR_ERR(payload);
		prep->payload.data[kdump_prep_payload] = payload;
	}
	return kdump_key_attach(key, prep);
}

/*
 * The key is revoked or invalidated: its copy leaves crash memory before
 * the call returns.  key->sem is write-locked.
 */
static void kdump_key_drop(struct key *key)
{
	key_payload_reserve(key, 0);
	kdump_key_replace(key, NULL);
}

/*
 * The key is being garbage collected: nothing else can reach it.  Until
 * now its copy stayed in crash memory if it expired or lost its last link:
 * the collector runs at once for a lost link, and within a second of the
 * expiry for an expired key (KEY_TYPE_INSTANT_REAP).
 */
static void kdump_key_destroy(struct key *key)
{
	struct kdump_key_payload *payload = key->payload.data[0];

	if (!payload)
		return;
	mutex_lock(&kdump_keys_lock);
	list_del(&payload->node);
	kdump_keys_forget();
	mutex_unlock(&kdump_keys_lock);
	kfree_sensitive(payload);
}

/* Called under rcu_read_lock() for /proc/keys: never shows key bytes */
static void kdump_key_describe(const struct key *key, struct seq_file *m)
{
	const struct kdump_key_payload *payload;

	seq_puts(m, key->description);
	if (!key_is_positive(key))
		return;
	payload = rcu_dereference(key->payload.rcu_data0);
	if (!payload)
		return;
	seq_printf(m, ": %u restore=%s %s", payload->keylen,
		   kdump_key_restore_name(payload->restore),
		   kdump_key_state_names[READ_ONCE(payload->state)]);
}

/* No ->read: in the first kernel no copy ever goes back to user space */
struct key_type key_type_kdump = {
	.name			= "kdump",
	/* Out of crash memory when it expires, not gc_delay later */
	.flags			= KEY_TYPE_INSTANT_REAP,
	.preparse		= kdump_key_preparse,
	.free_preparse		= kdump_key_free_preparse,
	.instantiate		= kdump_key_instantiate,
	.update			= kdump_key_update,
	.revoke			= kdump_key_drop,
	.invalidate		= kdump_key_drop,
	.destroy		= kdump_key_destroy,
	.describe		= kdump_key_describe,
	.vet_description	= kdump_key_vet_description,
};

static int __init kdump_key_init(void)
{
	return register_key_type(&key_type_kdump);
}
late_initcall(kdump_key_init);
