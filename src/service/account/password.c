/* password.c - the crypto set-up, Argon2id password hashes and the
 * password rules (length in characters, a deny-list, no login inside). */
#include "service/account/account.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/limits.h"
#include "base/utf8.h"

/* Argon2id cost: 2 passes over 19 MiB is the OWASP minimum for Argon2id.
 * A county hall server has two cores shared with everything else; a login
 * at these settings takes a few tens of milliseconds of one core, so a
 * burst of logins at opening time does not starve the request threads,
 * and 19 MiB per concurrent hash keeps memory bounded. Raise both when the
 * hardware allows: crypto_pwhash_str_needs_rehash() upgrades stored hashes
 * at the next successful login. */
#define AUTH_OPSLIMIT 2
#define AUTH_MEMLIMIT ((size_t)19 << 20)

#define PASSWORD_MIN_CHARS 8

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static int crypto_ok;
/* A hash of a random password: unknown logins are verified against it so
 * that they cost the same time as known ones. */
static char dummy_hash[crypto_pwhash_STRBYTES];

static void
crypto_setup(void)
{
	unsigned char pw[24];
	char hex[49];

	if (sodium_init() < 0)
		return;
	randombytes_buf(pw, sizeof(pw));
	sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
	if (crypto_pwhash_str(dummy_hash, hex, strlen(hex), AUTH_OPSLIMIT,
	    AUTH_MEMLIMIT) != 0)
		return;
	crypto_ok = 1;
}

int
auth_crypto_init(struct err *e)
{
	pthread_once(&crypto_once, crypto_setup);
	if (!crypto_ok)
		return err_internal(e, "libsodium initialisation failed");
	return 0;
}

int
auth_password_hash(const char *password, char out[AUTH_PASSWORD_HASH_MAX],
    struct err *e)
{
	int rc;

	rc = auth_crypto_init(e);
	if (rc != 0)
		return rc;
	if (crypto_pwhash_str(out, password, strlen(password), AUTH_OPSLIMIT,
	    AUTH_MEMLIMIT) != 0)
		return err_internal(e, "crypto_pwhash_str failed (out of "
		    "memory?)");
	return 0;
}

bool
auth_password_verify(const char *hash, const char *password)
{
	if (auth_crypto_init(NULL) != 0 || hash == NULL || password == NULL)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* Passwords seen most often in leaked lists and in Chinese offices,
 * compared without case; a password that is one of these plus digits or
 * symbols at the end ("Password1!", "P@ssw0rd") is refused too. */
static const char *const common_passwords[] = {
	"123456", "12345678", "123456789", "1234567890", "111111", "000000",
	"88888888", "666666", "5201314", "1qaz2wsx", "1q2w3e4r", "qwer1234",
	"qwerty", "abc123", "abcd1234", "aa123456", "a123456", "iloveyou",
	"password", "p@ssw0rd", "p@ssword", "passw0rd", "admin", "admin@123",
	"root", "welcome", "letmein", "woaini", "woaini1314", "zhang", "wang",
	"changeme", "test", "guest", "hello", "master", "superman",
};

/* The password with trailing digits and symbols removed, lower-cased. */
static void
password_stem(const char *pw, char *out, size_t outsz)
{
	size_t n = strlen(pw), i;

	if (n >= outsz)
		n = outsz - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)pw[i]);
	out[n] = '\0';
	while (n > 0 && !isalpha((unsigned char)out[n - 1]))
		out[--n] = '\0';
}

static bool
password_common(const char *pw)
{
	char low[LIMIT_PASSWORD_BYTES + 1], stem[LIMIT_PASSWORD_BYTES + 1];
	size_t i, n = strlen(pw);

	if (n > LIMIT_PASSWORD_BYTES)
		return false;
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	password_stem(pw, stem, sizeof(stem));
	for (i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]);
	    i++) {
		if (strcmp(low, common_passwords[i]) == 0 ||
		    strcmp(stem, common_passwords[i]) == 0)
			return true;
	}
	return false;
}

/* True when the password contains the login (ID number, credit code or
 * user name) or the login's last six or more characters, without case. */
static bool
password_has_login(const char *pw, const char *login)
{
	char low[LIMIT_PASSWORD_BYTES + 1], lg[AUTH_LOGIN_MAX + 1];
	size_t i, n = strlen(pw), m;

	if (login == NULL || login[0] == '\0' || n > LIMIT_PASSWORD_BYTES)
		return false;
	m = strlen(login);
	if (m > AUTH_LOGIN_MAX)
		return false;
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	for (i = 0; i <= m; i++)
		lg[i] = (char)tolower((unsigned char)login[i]);
	if (strstr(low, lg) != NULL)
		return true;
	return m > 6 && strstr(low, lg + m - 6) != NULL;
}

int
auth_password_check(const char *password, const char *field,
    const char *login, struct err *e)
{
	size_t n, chars;
	int lower = 0, upper = 0, digit = 0, other = 0;

	if (password == NULL || password[0] == '\0')
		return err_field(e, ERR_INVALID, field, "password_required",
		    "请输入密码");
	n = strlen(password);
	if (n > LIMIT_PASSWORD_BYTES)
		return err_field(e, ERR_UNPROCESSABLE, field, "weak_password",
		    "密码过长，最多 %d 个字符", LIMIT_PASSWORD_BYTES);
	if (!utf8_valid(password, n))
		return err_field(e, ERR_INVALID, field, "bad_utf8",
		    "密码含有无效字符");
	/* Counted in characters: "密码1a" is four, not ten. */
	chars = utf8_chars(password, n);
	if (chars < PASSWORD_MIN_CHARS)
		return err_field(e, ERR_UNPROCESSABLE, field, "weak_password",
		    "密码至少 %d 个字符，且须包含大写字母、小写字母、数字、"
		    "特殊符号中的至少三类", PASSWORD_MIN_CHARS);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)password[i];

		if (ch >= 'a' && ch <= 'z')
			lower = 1;
		else if (ch >= 'A' && ch <= 'Z')
			upper = 1;
		else if (ch >= '0' && ch <= '9')
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return err_field(e, ERR_UNPROCESSABLE, field, "weak_password",
		    "密码强度不足：须包含大写字母、小写字母、数字、特殊符号中的"
		    "至少三类");
	if (password_common(password))
		return err_field(e, ERR_UNPROCESSABLE, field, "common_password",
		    "该密码过于常见，容易被猜中，请换一个");
	if (password_has_login(password, login))
		return err_field(e, ERR_UNPROCESSABLE, field,
		    "password_has_login", "密码不得包含账号或证件号码");
	return 0;
}

void
auth_password_verify_dummy(const char *password)
{
	(void)auth_password_verify(dummy_hash, password);
}

bool
auth_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, AUTH_OPSLIMIT,
	    AUTH_MEMLIMIT) != 0;
}
