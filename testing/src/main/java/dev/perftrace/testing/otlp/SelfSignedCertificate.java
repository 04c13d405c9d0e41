package dev.perftrace.testing.otlp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.perftrace.testing.ExternalBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A self-signed certificate and its private key, generated at test time with {@code openssl} or
 * else the JDK's {@code keytool} (EC P-256, valid two days, subject alternative names {@code
 * localhost} and {@code 127.0.0.1}), as PEM (the key in PKCS#8): the certificate doubles as the
 * custom CA a client must trust.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class SelfSignedCertificate {

  private static final char[] PASSWORD = "perftrace-test".toCharArray();

  private final byte[] certificatePem;
  private final byte[] privateKeyPem;

  private SelfSignedCertificate(byte[] certificatePem, byte[] privateKeyPem) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
  }

  /**
   * Generates a fresh certificate for {@code localhost} in a temporary directory: with {@code
   * openssl} when it is on the PATH (fast), otherwise with the JDK's {@code keytool}.
   */
  public static SelfSignedCertificate generate() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("perftrace-tls");
      Optional<Path> openssl = ExternalBinaries.find("openssl");
      return openssl.isPresent() ? withOpenssl(openssl.get(), dir) : withKeytool(dir);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not generate a test certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating a test certificate", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static SelfSignedCertificate withOpenssl(Path openssl, Path dir)
      throws IOException, InterruptedException {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    run(
        List.of(
            openssl.toString(), "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    return new SelfSignedCertificate(Files.readAllBytes(cert), Files.readAllBytes(key));
  }

  private static SelfSignedCertificate withKeytool(Path dir)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path keystore = dir.resolve("test.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(
        List.of(
            keytool.toString(), "-genkeypair", "-alias", "test", "-keyalg", "EC",
            "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
            "-keypass", new String(PASSWORD)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    Key key = store.getKey("test", PASSWORD);
    Certificate certificate = store.getCertificate("test");
    return new SelfSignedCertificate(
        pem("CERTIFICATE", certificate.getEncoded()), pem("PRIVATE KEY", key.getEncoded()));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          command.get(0) + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(US_ASCII);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  /** Returns the X.509 certificate in PEM (also the CA certificate to trust). */
  public byte[] certificatePem() {
    return certificatePem.clone();
  }

  /** Returns the PKCS#8 private key in PEM. */
  public byte[] privateKeyPem() {
    return privateKeyPem.clone();
  }

  /** Writes the certificate PEM to {@code file} and returns it. */
  public Path writeCertificate(Path file) throws IOException {
    requireNonNull(file, "file");
    return Files.write(file, certificatePem);
  }

  @Override
  public String toString() {
    return "SelfSignedCertificate{CN=localhost}";
  }
}
