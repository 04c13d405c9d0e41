package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** tracer-core depends on opentelemetry-api only (and optionally slf4j-api). */
class DependencyTest {

  private static String child(Element element, String name) {
    NodeList nodes = element.getElementsByTagName(name);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }

  @Test
  void pom_declaresOnlyTheOpenTelemetryApiAndOptionalSlf4j() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    Element dependencies = null;
    NodeList top = pom.getDocumentElement().getChildNodes();
    for (int i = 0; i < top.getLength(); i++) {
      Node node = top.item(i);
      if (node instanceof Element && node.getNodeName().equals("dependencies")) {
        dependencies = (Element) node;
      }
    }
    assertThat(dependencies).as("<dependencies>").isNotNull();
    List<String> main = new ArrayList<>();
    NodeList list = dependencies.getElementsByTagName("dependency");
    for (int i = 0; i < list.getLength(); i++) {
      Element dependency = (Element) list.item(i);
      if ("test".equals(child(dependency, "scope"))) {
        continue;
      }
      main.add(
          child(dependency, "groupId")
              + ":"
              + child(dependency, "artifactId")
              + ("true".equals(child(dependency, "optional")) ? " (optional)" : ""));
    }

    assertThat(main)
        .containsExactlyInAnyOrder(
            "io.opentelemetry:opentelemetry-api", "org.slf4j:slf4j-api (optional)");
  }

  @Test
  void mainClasses_neverReferenceTheSdk() throws IOException {
    Path classes = Path.of("target", "classes");
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(classes)) {
      classFiles = files.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
    }
    assertThat(classFiles).as("compiled main classes").hasSizeGreaterThan(10);
    List<Path> offenders = new ArrayList<>();
    for (Path file : classFiles) {
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      if (bytes.contains("io/opentelemetry/sdk")) {
        offenders.add(file);
      }
    }
    assertThat(offenders).isEmpty();
  }
}
