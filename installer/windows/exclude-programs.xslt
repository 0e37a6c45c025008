<?xml version="1.0" encoding="utf-8"?>
<!--
  For WiX heat (Windows builds, docs/deploying.md): drop SafetyDesk.exe and
  safetydesk-cli.exe from the harvested bundle files, because SafetyDesk.wxs
  declares those two itself (with the Start menu entry). The names without .exe
  are the Linux bundle's, which CI packs only to check the installer source.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
                xmlns="http://schemas.microsoft.com/wix/2006/wi"
                exclude-result-prefixes="wix">
  <xsl:output method="xml" indent="yes" />

  <xsl:key name="programs" use="@Id" match="wix:Component[wix:File[
      substring(@Source, string-length(@Source) - 14) = '\SafetyDesk.exe' or
      substring(@Source, string-length(@Source) - 14) = '/SafetyDesk.exe' or
      substring(@Source, string-length(@Source) - 18) = '\safetydesk-cli.exe' or
      substring(@Source, string-length(@Source) - 18) = '/safetydesk-cli.exe' or
      substring(@Source, string-length(@Source) - 10) = '/SafetyDesk' or
      substring(@Source, string-length(@Source) - 14) = '/safetydesk-cli']]" />

  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:Component[key('programs', @Id)]" />
  <xsl:template match="wix:ComponentRef[key('programs', @Id)]" />
</xsl:stylesheet>
