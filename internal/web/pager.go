package web

import (
	"net/http"
	"strconv"

	"github.com/mentorvault/mentorvault"
)

// listPageSize is how many rows a page of my requests, or of each list of
// the third-party page, shows.
const listPageSize = 50

// Pager addresses a list page's neighbours by offset, for the templates'
// "Previous page" and "Next page" links.
type Pager struct {
	// PrevOffset and NextOffset address the neighbouring pages; -1 when there is none.
	PrevOffset, NextOffset int
}

// pagerOf is the pager of the page at offset, size rows long, with more
// rows after it or not.
func pagerOf(offset, size int, more bool) Pager {
	p := Pager{PrevOffset: -1, NextOffset: -1}
	if more {
		p.NextOffset = offset + size
	}
	if offset > 0 {
		p.PrevOffset = max(offset-size, 0)
	}
	return p
}

// pageOffset reads offset from the query, 0 when absent. Returns EINVALID
// for one that is not a number, 0 or more.
func pageOffset(r *http.Request) (int, error) {
	s := r.URL.Query().Get("offset")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, mentorvault.Invalid("the page is not valid", map[string]string{"offset": "must be a number, 0 or more"})
	}
	return n, nil
}
