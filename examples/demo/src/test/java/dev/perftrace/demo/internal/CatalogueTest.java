package dev.perftrace.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CatalogueTest {

  @Test
  void key_isZeroPaddedItemName() {
    assertThat(Catalogue.key(42)).isEqualTo("item-0042");
  }

  @Test
  void content_isDeterministicAndOfTheListedSize() {
    Catalogue catalogue = new Catalogue(100, 1.1, 7);

    assertThat(catalogue.content(3)).hasSize(catalogue.sizeOf(3)).isEqualTo(catalogue.content(3));
  }

  @Test
  void sampleIndex_zipf_drawsKeysWithZipfProbabilities() {
    Catalogue catalogue = new Catalogue(1000, 1.1, 7);
    SplittableRandom random = new SplittableRandom(1);
    int[] counts = new int[1000];

    for (int i = 0; i < 100_000; i++) {
      counts[catalogue.sampleIndex(random)]++;
    }

    // Zipf(1.1) over 1000 keys: P(key 0) = 1 / H(1000, 1.1) = 0.17944, P(key 1) = 2^-1.1 of
    // that = 0.08371; the bounds are about four standard deviations of 100 000 draws.
    assertThat(counts[0]).isBetween(17_450, 18_450);
    assertThat(counts[1]).isBetween(8_020, 8_720);
  }
}
