package api

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The PDF is set in DejaVu Sans, embedded, so names and text beyond Latin-1
// print as written; fpdf's core fonts would turn them into "?".
// See fonts/README.md for the source and licence.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// pdfFont is the family name the export registers the embedded font under.
const pdfFont = "DejaVuSans"

// signatureBlock words who signed a version, when, and over which hash.
func signatureBlock(v *service.VersionView, rv *service.RelationshipView) []string {
	var lines []string
	name := map[string]string{rv.MentorID: rv.Mentor.Name + " <" + rv.Mentor.Email + ">", rv.MenteeID: rv.Mentee.Name + " <" + rv.Mentee.Email + ">"}
	for _, sg := range v.Signatures {
		lines = append(lines, fmt.Sprintf("Signed by %s on %s over SHA-256 %s", name[sg.UserID], sg.SignedAt.UTC().Format("2 January 2006 15:04 UTC"), hex.EncodeToString(sg.Hash)))
	}
	if len(lines) == 0 {
		lines = append(lines, "Not signed yet.")
	}
	return lines
}

func exportName(rv *service.RelationshipView, v *service.VersionView, ext string) string {
	return fmt.Sprintf("mentorvault-agreement-%s-v%d.%s", rv.ID[len(rv.ID)-8:], v.Number, ext)
}

// writeExport sends a version as Markdown (the canonical text, then the
// signatures) or as PDF. The hash covers the canonical text only.
func writeExport(w http.ResponseWriter, format string, v *service.VersionView, rv *service.RelationshipView) error {
	text := v.Text.Reveal()
	var b bytes.Buffer
	state := agreementStates[v.State]
	if format == "markdown" {
		b.WriteString(text)
		fmt.Fprintf(&b, "\n---\n\n## Signatures\n\nStatus: %s. SHA-256 of the text above (up to the line before \"---\"): `%x`\n\n", state, v.Hash)
		for _, l := range signatureBlock(v, rv) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(rv, v, "md")+`"`)
		_, err := w.Write(b.Bytes())
		return err
	}
	pdfBytes, err := agreementPDF(v, rv)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(rv, v, "pdf")+`"`)
	_, err = w.Write(pdfBytes)
	return err
}

// agreementStates words a version's state in the exports.
var agreementStates = map[mentorvault.AgreementState]string{mentorvault.AgreementDraft: "draft (not in force)",
	mentorvault.AgreementInForce: "in force", mentorvault.AgreementSuperseded: "superseded by a later version"}

// agreementPDF sets a version and its signatures as a PDF.
func agreementPDF(v *service.VersionView, rv *service.RelationshipView) ([]byte, error) {
	text := v.Text.Reveal()
	state := agreementStates[v.State]
	var b bytes.Buffer
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(fmt.Sprintf("Confidentiality agreement, version %d", v.Number), true)
	pdf.SetCreator("mentorvault", true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddUTF8FontFromBytes(pdfFont, "", fontRegular)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", fontBold)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(pdfFont, "", 8)
		pdf.CellFormat(0, 6, fmt.Sprintf("Version %d · SHA-256 %x · page %d", v.Number, v.Hash, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	for _, line := range strings.Split(text, "\n") {
		plain := strings.NewReplacer(`\`, "", "**", "").Replace(line)
		switch {
		case strings.HasPrefix(line, "# "):
			pdf.SetFont(pdfFont, "B", 16)
			pdf.MultiCell(0, 8, strings.TrimPrefix(plain, "# "), "", "L", false)
			pdf.Ln(2)
		case strings.HasPrefix(line, "## "):
			pdf.Ln(2)
			pdf.SetFont(pdfFont, "B", 13)
			pdf.MultiCell(0, 7, strings.TrimPrefix(plain, "## "), "", "L", false)
		case strings.HasPrefix(line, "### "):
			pdf.SetFont(pdfFont, "B", 11)
			pdf.MultiCell(0, 6, strings.TrimPrefix(plain, "### "), "", "L", false)
		case strings.TrimSpace(line) == "":
			pdf.Ln(2)
		default:
			pdf.SetFont(pdfFont, "", 10)
			pdf.MultiCell(0, 5, plain, "", "L", false)
		}
	}
	pdf.Ln(6)
	pdf.SetFont(pdfFont, "B", 13)
	pdf.MultiCell(0, 7, "Signatures", "", "L", false)
	pdf.SetFont(pdfFont, "", 10)
	pdf.MultiCell(0, 5, fmt.Sprintf("Status: %s. SHA-256 of the canonical text: %x", state, v.Hash), "", "L", false)
	for _, l := range signatureBlock(v, rv) {
		pdf.MultiCell(0, 5, l, "", "L", false)
	}
	if err := pdf.Output(&b); err != nil {
		return nil, mentorvault.Internal(err)
	}
	return b.Bytes(), nil
}
