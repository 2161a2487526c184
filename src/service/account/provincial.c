/* provincial.c - the client of the provincial identity service
 * (realname.provincial_url; service/account/realname.c uses it). */
#include "service/account/realname_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "base/config.h"
#include "base/log.h"

#define PROV_TIMEOUT_S 5L
#define PROV_ANSWER_MAX 4096

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct answer {
	char buf[PROV_ANSWER_MAX];
	size_t len;
	bool over;
};

static size_t
keep_answer(char *ptr, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n;

	if (a->len + len >= sizeof(a->buf)) {
		a->over = true;
		return 0;
	}
	memcpy(a->buf + a->len, ptr, len);
	a->len += len;
	a->buf[a->len] = '\0';
	return len;
}

int
realname_provincial_check(const char *idno, const char *name,
    const char *mobile, bool *match, struct err *e)
{
	const char *url = config_str("realname.provincial_url");
	struct curl_slist *h = NULL;
	struct answer ans = { .len = 0 };
	json_t *body, *reply = NULL;
	long status = 0;
	char *text;
	CURLcode cc;
	CURL *curl;
	int rc;

	*match = false;
	if (url == NULL || url[0] == '\0')
		return err_set(e, ERR_UNPROCESSABLE, "provincial_unavailable",
		    "未配置省级身份认证服务，请使用短信验证码或到窗口核验");
	body = json_pack("{s:s, s:s, s:s}", "idno", idno, "name", name,
	    "mobile", mobile);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	pthread_once(&curl_once, curl_init_once);
	curl = curl_easy_init();
	if (curl == NULL || text == NULL) {
		free(text);
		if (curl != NULL)
			curl_easy_cleanup(curl);
		return err_internal(e, "provincial: init failed");
	}
	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, PROV_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, PROV_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ans);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "onetrip-realname");
	cc = curl_easy_perform(curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	sodium_memzero(text, strlen(text));
	free(text);
	if (cc != CURLE_OK || status < 200 || status > 299 || ans.over) {
		log_warn("realname: provincial service: %s",
		    cc != CURLE_OK ? curl_easy_strerror(cc) : "bad answer");
		return err_set(e, ERR_BUSY, "provincial_failed",
		    "省级身份认证服务暂时不可用，请稍后再试");
	}
	reply = json_loads(ans.buf, 0, NULL);
	rc = json_is_boolean(json_object_get(reply, "match")) ? 0 : -1;
	*match = json_is_true(json_object_get(reply, "match"));
	json_decref(reply);
	if (rc != 0)
		return err_set(e, ERR_BUSY, "provincial_failed",
		    "省级身份认证服务暂时不可用，请稍后再试");
	return 0;
}

