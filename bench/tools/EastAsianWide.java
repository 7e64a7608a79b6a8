import org.graalvm.shadowed.com.ibm.icu.lang.UCharacter;
import org.graalvm.shadowed.com.ibm.icu.lang.UProperty;
import org.graalvm.shadowed.com.ibm.icu.util.VersionInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints Cells.WIDE (core/engine .../text/Cells.java): East_Asian_Width W or F as sorted inclusive
 * [first, last] pairs, adjacent ranges merged, plus the blocks EastAsianWidth.txt's header says
 * default to W when unassigned. The data is ICU's, from the GraalVM-shadowed ICU4J that GraalJS
 * already brings into the local Maven repository (a build-time tool only; Flywheel does not depend
 * on ICU4J for this):
 *
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *       -cp ~/.m2/repository/org/graalvm/shadowed/icu4j/25.0.3/icu4j-25.0.3.jar bench/tools/EastAsianWide.java [MAX_AGE]
 *
 * With MAX_AGE (say 15.0) only code points assigned in that Unicode version or before count, which
 * reproduces a table made from that version's EastAsianWidth.txt (a check of the tool itself).
 * Paste the lines after the first between the braces of Cells.WIDE.
 */
public class EastAsianWide {
    public static void main(String[] args) {
        VersionInfo maxAge = args.length > 0 ? VersionInfo.getInstance(args[0]) : null;
        List<int[]> ranges = new ArrayList<>();
        for (int[] block : new int[][] {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}}) {
            ranges.add(block);
        }
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            int w = UCharacter.getIntPropertyValue(cp, UProperty.EAST_ASIAN_WIDTH);
            boolean assigned = UCharacter.getType(cp) != UCharacter.UNASSIGNED;
            if ((w == UCharacter.EastAsianWidth.WIDE || w == UCharacter.EastAsianWidth.FULLWIDTH) && assigned
                    && (maxAge == null || UCharacter.getAge(cp).compareTo(maxAge) <= 0)) {
                ranges.add(new int[] {cp, cp});
            }
        }
        ranges.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : ranges) {
            if (!merged.isEmpty() && r[0] <= merged.getLast()[1] + 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        System.out.println("// Unicode " + UCharacter.getUnicodeVersion() + " (ICU " + VersionInfo.ICU_VERSION + ")"
                + (maxAge == null ? "" : ", code points assigned by " + maxAge));
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < merged.size(); i++) {
            for (int end = 0; end < 2; end++) {
                String item = String.format("0x%X", merged.get(i)[end]) + (i == merged.size() - 1 && end == 1 ? "" : ",");
                if (line.length() > 0 && line.length() + 1 + item.length() > 120) {
                    System.out.println("            " + line);
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(item);
            }
        }
        System.out.println("            " + line);
    }
}
