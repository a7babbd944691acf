package server_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
)

func newJar() http.CookieJar {
	j, _ := cookiejar.New(nil)
	return j
}

func getRaw(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
