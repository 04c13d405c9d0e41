package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose file: pinned images, mounted files that exist, the settings the stack needs. */
class ComposeFileTest {

  static Map<String, Object> services() {
    return ConfigFiles.asMap(
        ConfigFiles.yaml(ConfigFiles.resolve("compose.yaml")).get("services"), "services");
  }

  static Map<String, Object> service(String name) {
    return ConfigFiles.asMap(services().get(name), name);
  }

  static List<String> strings(Object list, String what) {
    List<String> out = new ArrayList<>();
    ConfigFiles.asList(list, what).forEach(o -> out.add(String.valueOf(o)));
    return out;
  }

  /** Bind mounts ({@code ./host:/container[:ro]}) of a service: container path to host path. */
  static Map<String, String> bindMounts(String serviceName) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (String volume : strings(service(serviceName).get("volumes"), serviceName + " volumes")) {
      String[] parts = volume.split(":");
      if (parts[0].startsWith("./")) {
        mounts.put(parts[1], parts[0]);
      }
    }
    return mounts;
  }

  @Test
  void images_arePinnedToExactVersions() {
    Map<String, String> images = new LinkedHashMap<>();
    services()
        .forEach(
            (name, body) ->
                images.put(name, String.valueOf(ConfigFiles.asMap(body, name).get("image"))));

    assertThat(images)
        .containsOnlyKeys("otel-collector", "otel-gateway", "jaeger", "prometheus", "grafana")
        .allSatisfy(
            (name, image) ->
                assertThat(image)
                    .as(name)
                    .matches("[a-z0-9._/-]+:v?[0-9]+\\.[0-9]+\\.[0-9]+")
                    .doesNotContain("latest"));
    assertThat(images.values())
        .extracting(image -> image.substring(0, image.lastIndexOf(':')))
        .containsOnly(
            "otel/opentelemetry-collector-contrib",
            "jaegertracing/jaeger",
            "prom/prometheus",
            "grafana/grafana");
  }

  @Test
  void bindMounts_existInThisDirectory() {
    List<String> missing = new ArrayList<>();
    for (String name : services().keySet()) {
      bindMounts(name)
          .values()
          .forEach(
              host -> {
                if (!Files.exists(ConfigFiles.resolve(host))) {
                  missing.add(name + ": " + host);
                }
              });
    }

    assertThat(bindMounts("prometheus")).isNotEmpty();
    assertThat(missing).isEmpty();
  }

  @Test
  void collectors_loadTheMountedConfigFiles() {
    Map<String, String> expected =
        Map.of(
            "otel-collector", "./otelcol/agent.yaml",
            "otel-gateway", "./otelcol/gateway.yaml",
            "jaeger", "./jaeger/config.yaml");

    expected.forEach(
        (name, hostFile) -> {
          List<String> command = strings(service(name).get("command"), name + " command");
          String containerPath =
              command.stream()
                  .filter(arg -> arg.startsWith("--config="))
                  .map(arg -> arg.substring("--config=".length()))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(name + " has no --config: " + command));
          assertThat(bindMounts(name)).as(name).containsEntry(containerPath, hostFile);
        });
  }

  @Test
  void prometheus_loadsConfigAndRulesWithExemplarStorage() {
    List<String> command = strings(service("prometheus").get("command"), "prometheus command");

    assertThat(command)
        .contains("--config.file=/etc/prometheus/prometheus.yml", "--enable-feature=exemplar-storage");
    assertThat(bindMounts("prometheus"))
        .containsEntry("/etc/prometheus/prometheus.yml", "./prometheus/prometheus.yml")
        .containsEntry("/etc/prometheus/rules", "./prometheus/rules");
  }

  @Test
  void grafana_mountsProvisioningAndDashboards() {
    assertThat(bindMounts("grafana"))
        .containsEntry(
            "/etc/grafana/provisioning/datasources", "./grafana/provisioning/datasources")
        .containsEntry("/etc/grafana/provisioning/dashboards", "./grafana/provisioning/dashboards")
        .containsEntry("/var/lib/grafana/dashboards/perftrace", "./grafana/dashboards");
  }

  @Test
  void gateway_isAnOptionalProfile() {
    assertThat(strings(service("otel-gateway").get("profiles"), "profiles"))
        .containsExactly("gateway");
    assertThat(service("otel-collector")).doesNotContainKey("profiles");
  }

  /** The contrib module versions of a Builder manifest's component lines (not its comments). */
  private static List<String> contribVersions(String manifestPath) throws Exception {
    java.util.regex.Matcher contrib =
        java.util.regex.Pattern.compile(
                "(?m)^\\s*- gomod: github.com/open-telemetry/opentelemetry-collector-contrib/\\S+"
                    + " v(\\d+\\.\\d+\\.\\d+)$")
            .matcher(Files.readString(ConfigFiles.resolve(manifestPath)));
    List<String> versions = new ArrayList<>();
    while (contrib.find()) {
      versions.add(contrib.group(1));
    }
    return versions;
  }

  @Test
  void imageVersions_matchTheVersionsBuiltHere() throws Exception {
    List<String> agentVersions = contribVersions("otelcol/builder-config.yaml");
    assertThat(agentVersions).hasSize(2).containsOnly("0.165.1");
    assertThat(service("otel-collector").get("image"))
        .isEqualTo("otel/opentelemetry-collector-contrib:" + agentVersions.get(0));
    List<String> gatewayVersions = contribVersions("otelcol-gateway/builder-config.yaml");
    assertThat(gatewayVersions).hasSize(3).containsOnly("0.145.0");
    assertThat(service("otel-gateway").get("image"))
        .isEqualTo("otel/opentelemetry-collector-contrib:" + gatewayVersions.get(0));

    // Jaeger v2 releases 2.N as Go module v1.(N+63): v1.76.0 is 2.13.0.
    String goMod = Files.readString(ConfigFiles.resolve("jaeger/go.mod"));
    java.util.regex.Matcher jaeger =
        java.util.regex.Pattern.compile("github.com/jaegertracing/jaeger v1\\.(\\d+)\\.(\\d+)\\b")
            .matcher(goMod);
    assertThat(jaeger.find()).as(goMod).isTrue();
    String imageVersion =
        "2." + (Integer.parseInt(jaeger.group(1)) - 63) + "." + jaeger.group(2);
    assertThat(imageVersion).isEqualTo("2.13.0");
    assertThat(service("jaeger").get("image")).isEqualTo("jaegertracing/jaeger:" + imageVersion);
  }
}
