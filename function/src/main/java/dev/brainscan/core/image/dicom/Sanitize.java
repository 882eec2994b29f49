package dev.brainscan.core.image.dicom;

import java.util.Set;

/**
 * The only file values that may appear in a result, a log line or an error message pass
 * through here: a UID must look like one (digits and dots, at most 64 characters) and a
 * modality must be a DICOM defined term. Anything else is dropped, so a file that hides a
 * patient's name in a UID or modality field cannot leak it.
 */
final class Sanitize {
    /** Modality defined terms (PS3.3 C.7.3.1.1.1), current and retired. */
    private static final Set<String> MODALITIES = Set.of("AR", "ASMT", "AU", "BDUS", "BI", "BMD", "CFM", "CR", "CT",
            "CTPROTOCOL", "DG", "DOC", "DX", "ECG", "EPS", "ES", "FID", "GM", "HC", "HD", "IO", "IOL", "IVOCT", "IVUS",
            "KER", "KO", "LEN", "LS", "MG", "MR", "M3D", "NM", "OAM", "OCT", "OP", "OPM", "OPT", "OPTBSV", "OPTENF",
            "OPV", "OSS", "OT", "PLAN", "PR", "PT", "PX", "REG", "RESP", "RF", "RG", "RTDOSE", "RTIMAGE", "RTINTENT",
            "RTPLAN", "RTRAD", "RTRECORD", "RTSEGANN", "RTSTRUCT", "RWV", "SEG", "SM", "SMR", "SR", "SRF", "STAIN",
            "TEXTUREMAP", "TG", "US", "VA", "XA", "XC", "CD", "DD", "DF", "DM", "DS", "EC", "FA", "FS", "LP", "MA",
            "MS", "OPR", "ST", "VF");

    /** Photometric interpretation defined terms (PS3.3 C.7.6.3.1.2), current and retired. */
    private static final Set<String> PHOTOMETRIC = Set.of("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "HSV",
            "ARGB", "CMYK", "YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT",
            "XYB");

    private Sanitize() {
    }

    /**
     * The photometric interpretation when it is a defined term, else a description: a value
     * that merely looks like a term ({@code ZYXWVPATIENT} matched {@code [A-Z0-9_ ]{1,16}}) is
     * never quoted.
     */
    static String photometric(String s) {
        return s != null && PHOTOMETRIC.contains(s) ? s : "(a value that is not a DICOM defined term)";
    }

    static String uid(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return null;
            }
        }
        return s;
    }

    static String uid(String s, String otherwise) {
        String u = uid(s);
        return u != null ? u : otherwise;
    }

    /** The modality when it is a defined term, else null. */
    static String modality(String s) {
        return s != null && MODALITIES.contains(s) ? s : null;
    }
}
