package dev.perftrace.collectorconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Locates and parses the configuration files of this module (test helper). */
final class ConfigFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigFiles() {}

  /** The module directory ({@code collector-config/}); surefire and failsafe run there. */
  static Path root() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path resolve(String relative) {
    return root().resolve(relative);
  }

  static Path prometheusConfig() {
    return resolve("prometheus/prometheus.yml");
  }

  static Path recordingRules() {
    return resolve("prometheus/rules/recording.yml");
  }

  static Path alertRules() {
    return resolve("prometheus/rules/alerts.yml");
  }

  static List<Path> ruleFiles() {
    return yamlFilesIn(resolve("prometheus/rules"));
  }

  static List<Path> ruleTestFiles() {
    return yamlFilesIn(resolve("prometheus/tests"));
  }

  static Path dashboard() {
    return resolve("grafana/dashboards/perftrace.json");
  }

  static List<Path> yamlFilesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a YAML document with SnakeYAML's safe constructor (plain maps, lists, scalars). */
  static Map<String, Object> yaml(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      return asMap(document, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object node, String what) {
    if (node == null) {
      return Map.of();
    }
    if (!(node instanceof Map)) {
      throw new AssertionError(what + " is not a mapping: " + node);
    }
    return (Map<String, Object>) node;
  }

  static List<Object> asList(Object node, String what) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List)) {
      throw new AssertionError(what + " is not a list: " + node);
    }
    return new ArrayList<>((List<?>) node);
  }

  /** Every rule (recording and alerting) of a Prometheus rule file, in file order. */
  static List<Map<String, Object>> rules(Path ruleFile) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : asList(yaml(ruleFile).get("groups"), ruleFile + " groups")) {
      for (Object rule : asList(asMap(group, "group").get("rules"), ruleFile + " rules")) {
        rules.add(asMap(rule, "rule"));
      }
    }
    return rules;
  }

  /** Names recorded by every rule file. */
  static List<String> recordedNames() {
    List<String> names = new ArrayList<>();
    for (Path file : ruleFiles()) {
      for (Map<String, Object> rule : rules(file)) {
        if (rule.containsKey("record")) {
          names.add(String.valueOf(rule.get("record")));
        }
      }
    }
    return names;
  }

  /** Every {@code expr} of every rule file. */
  static List<String> ruleExpressions() {
    List<String> exprs = new ArrayList<>();
    for (Path file : ruleFiles()) {
      for (Map<String, Object> rule : rules(file)) {
        exprs.add(String.valueOf(rule.get("expr")).trim());
      }
    }
    return exprs;
  }

  /** Every panel of the dashboard, nested row panels included. */
  static List<JsonNode> dashboardPanels() {
    List<JsonNode> panels = new ArrayList<>();
    collectPanels(json(dashboard()).path("panels"), panels);
    return panels;
  }

  private static void collectPanels(JsonNode list, List<JsonNode> into) {
    for (JsonNode panel : list) {
      into.add(panel);
      collectPanels(panel.path("panels"), into);
    }
  }

  /** Every target {@code expr} of every dashboard panel. */
  static List<String> dashboardExpressions() {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboardPanels()) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    return exprs;
  }
}
