package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

var createBody = func() []byte {
	b, _ := json.Marshal(map[string]string{"body": noteBody, "visibility": "private"})
	return b
}()

// mvClient makes mentorvault's requests, as alice.
type mvClient struct{ ep endpoints }

func (m mvClient) postNote(ctx context.Context, hc *http.Client) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", m.ep.MV+"/api/v1/relationships/"+m.ep.RelID+"/notes", bytes.NewReader(createBody))
	req.Header.Set("Authorization", "Bearer "+m.ep.Token)
	req.Header.Set("Content-Type", "application/json")
	return do(hc, req, http.StatusCreated)
}

func (m mvClient) createNote(ctx context.Context, hc *http.Client) error {
	_, err := m.postNote(ctx, hc)
	return err
}

func (m mvClient) readNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", m.ep.MV+"/api/v1/relationships/"+m.ep.RelID+"/notes/"+m.ep.NoteID, nil)
	req.Header.Set("Authorization", "Bearer "+m.ep.Token)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (m mvClient) page(ctx context.Context, hc *http.Client, path string) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", m.ep.MV+path, nil)
	req.Header.Set("Cookie", m.ep.Cookie)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (m mvClient) relationshipPage(ctx context.Context, hc *http.Client) error {
	return m.page(ctx, hc, "/relationships/"+m.ep.RelID)
}

func (m mvClient) directory(ctx context.Context, hc *http.Client) error {
	return m.page(ctx, hc, "/directory")
}

// bareClient makes the bare server's requests.
type bareClient struct{ ep endpoints }

func (b bareClient) readNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", b.ep.Bare+"/notes/"+b.ep.BareID, nil)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (b bareClient) createNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", b.ep.Bare+"/notes", bytes.NewReader(createBody))
	req.Header.Set("Content-Type", "application/json")
	_, err := do(hc, req, http.StatusCreated)
	return err
}

func (ep endpoints) stats(ctx context.Context, hc *http.Client) (stats, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", ep.Control+"/stats", nil)
	body, err := do(hc, req, http.StatusOK)
	if err != nil {
		return stats{}, err
	}
	var s stats
	if err := json.Unmarshal(body, &s); err != nil {
		return stats{}, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}

func (ep endpoints) control(ctx context.Context, hc *http.Client, path string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", ep.Control+path, nil)
	_, err := do(hc, req, http.StatusOK)
	return err
}
