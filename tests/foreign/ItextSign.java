// A third, independent signer for the test corpus: iText 5 (Debian libitext5-java) with BouncyCastle.
//
// Signs a PDF with the key and chain of a PKCS#12 file using PdfStamper.createSignature and
// MakeSignature.signDetached: a CMS (adbe.pkcs7.detached) signature, as the iText-based Vietnamese
// signing tools make. Test data only; the PKCS#12 files come from the demo PKI.
//
// Usage: java ItextSign IN.pdf OUT.pdf KEY.p12 PASSWORD [--field NAME] [--digest SHA-256|SHA-384|SHA-512]
//        [--visible] [--append] [--reason TEXT] [--certify 1|2|3]
import com.itextpdf.text.Rectangle;
import com.itextpdf.text.pdf.PdfReader;
import com.itextpdf.text.pdf.PdfSignatureAppearance;
import com.itextpdf.text.pdf.PdfStamper;
import com.itextpdf.text.pdf.security.BouncyCastleDigest;
import com.itextpdf.text.pdf.security.ExternalDigest;
import com.itextpdf.text.pdf.security.ExternalSignature;
import com.itextpdf.text.pdf.security.MakeSignature;
import com.itextpdf.text.pdf.security.PrivateKeySignature;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Enumeration;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

public final class ItextSign {
    private ItextSign() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ItextSign IN.pdf OUT.pdf KEY.p12 PASSWORD [options]");
            System.exit(2);
        }
        String in = args[0], out = args[1], p12 = args[2], password = args[3];
        String field = "Signature1", digest = "SHA-256", reason = null;
        boolean visible = false, append = false;
        int certify = PdfSignatureAppearance.NOT_CERTIFIED;
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "--field": field = args[++i]; break;
                case "--digest": digest = args[++i]; break;
                case "--reason": reason = args[++i]; break;
                case "--visible": visible = true; break;
                case "--append": append = true; break;
                case "--certify": certify = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
            }
        }
        BouncyCastleProvider provider = new BouncyCastleProvider();
        Security.addProvider(provider);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream keyIn = new FileInputStream(p12)) {
            ks.load(keyIn, password.toCharArray());
        }
        String alias = null;
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements();) {
            String a = e.nextElement();
            if (ks.isKeyEntry(a)) {
                alias = a;
                break;
            }
        }
        if (alias == null) {
            System.err.println("no private key in " + p12);
            System.exit(2);
        }
        PrivateKey key = (PrivateKey) ks.getKey(alias, password.toCharArray());
        Certificate[] chain = ks.getCertificateChain(alias);

        PdfReader reader = new PdfReader(in);
        try (OutputStream os = new FileOutputStream(out)) {
            // '\0': keep the PDF version; append: write an incremental update instead of a rewrite
            PdfStamper stamper = PdfStamper.createSignature(reader, os, '\0', null, append);
            PdfSignatureAppearance appearance = stamper.getSignatureAppearance();
            if (reason != null) {
                appearance.setReason(reason);
            }
            appearance.setCertificationLevel(certify);
            if (reader.getAcroFields().getBlankSignatureNames().contains(field)) {
                appearance.setVisibleSignature(field); // an empty field the document already has
            } else {
                Rectangle box = visible ? new Rectangle(360, 60, 560, 130) : new Rectangle(0, 0, 0, 0);
                appearance.setVisibleSignature(box, 1, field);
            }
            ExternalDigest digester = new BouncyCastleDigest();
            ExternalSignature signature = new PrivateKeySignature(key, digest, provider.getName());
            MakeSignature.signDetached(
                    appearance, digester, signature, chain, null, null, null, 0,
                    MakeSignature.CryptoStandard.CMS);
        }
    }
}
